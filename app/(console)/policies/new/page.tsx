import type { Metadata } from 'next';

import { CreatePolicyForm } from '@/components/policies/create-policy-form';
import { ButtonLink } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/guard';
import { readIotConfig } from '@/lib/aws/config';
import { discoverAccountId } from '@/lib/policies/account';
import { templateContext } from '@/lib/policies/templates';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'New policy' };

function currentRegion(): string | undefined {
  try {
    return readIotConfig().region;
  } catch {
    return undefined;
  }
}

export default async function NewPolicyPage() {
  await requireRole('admin');
  // The account id only shapes the templates' ARNs; without one they use `*` (see lib/policies/templates.ts).
  const accountId = await discoverAccountId();
  const ctx = templateContext(currentRegion(), accountId);

  return (
    <>
      <PageHeader
        title="New policy"
        description="An AWS IoT policy says what a device holding a certificate may do: connect, publish, subscribe, receive, use its shadow."
        actions={<ButtonLink href="/policies">Back to policies</ButtonLink>}
      />
      <CreatePolicyForm ctx={ctx} accountKnown={ctx.accountId !== '*'} />
    </>
  );
}
