import type { Metadata } from 'next';

import { OnboardForm } from '@/components/onboarding/onboard-form';
import type { TemplateOption } from '@/components/onboarding/policy-section';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/guard';
import { readIotConfig } from '@/lib/aws/config';
import { toAppError } from '@/lib/aws/errors';
import { listPolicyNames } from '@/lib/aws/policies';
import { listRoleAliasNames } from '@/lib/aws/role-aliases';
import { listThingGroups, listThingTypeNames } from '@/lib/aws/thing-groups';
import { POLICY_TEMPLATES, renderTemplate, templateContext } from '@/lib/policies/templates';

// Lists of thing types, groups and policies are live registry data.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Onboard a device' };

/** A list that failed to load leaves its picker empty with a note, instead of failing the page. */
async function orEmpty(load: () => Promise<string[]>): Promise<{ items: string[]; error?: string }> {
  try {
    return { items: await load() };
  } catch (err) {
    return { items: [], error: toAppError(err).message };
  }
}

export default async function OnboardPage() {
  await requireRole('operator');
  let region = 'us-east-1';
  try {
    region = readIotConfig().region;
  } catch {
    // The form's action reports a misconfiguration when it runs.
  }
  const [types, groups, policies, roleAliases] = await Promise.all([
    orEmpty(listThingTypeNames),
    orEmpty(listThingGroups),
    orEmpty(listPolicyNames),
    // Optional: without ListRoleAliases permission the picker only offers "None".
    orEmpty(() => listRoleAliasNames()).then((r) => ({ items: r.items })),
  ]);
  const ctx = templateContext(region, undefined);
  const templates: TemplateOption[] = POLICY_TEMPLATES.map((t) => ({
    id: t.id,
    title: t.title,
    summary: t.summary,
    broad: t.broad ?? false,
    document: renderTemplate(t, ctx),
  }));

  return (
    <>
      <PageHeader
        title="Onboard a device"
        description="Thing, certificate, policy and attachments in one go, then a credential bundle to download. If any step fails, everything made so far is removed again."
      />
      <OnboardForm
        thingTypes={types.items}
        thingGroups={groups.items}
        policies={policies.items}
        templates={templates}
        roleAliases={roleAliases.items}
        listProblems={[types.error, groups.error, policies.error].filter((e): e is string => Boolean(e))}
      />
    </>
  );
}
