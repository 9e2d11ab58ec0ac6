import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';

import { CheckSections } from '@/components/connection-check/check-sections';
import { LiveCheck } from '@/components/connection-check/live-check';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/guard';
import { gatherCheckFacts } from '@/lib/connection-check/facts';
import { toAppError } from '@/lib/aws/errors';
import { deviceCommandHint, evaluateCheck, overallStatus } from '@/lib/connection-check/evaluate';
import type { CheckSection } from '@/lib/connection-check/types';
import { decodeParam } from '@/lib/forms/search-params';
import { thingName as thingNameSchema } from '@/lib/validation/iot-names';

// Live device state: checked on every request.
export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata(props: Props): Promise<Metadata> {
  const { name } = await props.params;
  return { title: `Connection check · ${decodeParam(name)}` };
}

export default async function ConnectionCheckPage(props: Props) {
  const { name: raw } = await props.params;
  const thingName = decodeParam(raw);
  const thingPath = `/things/${encodeURIComponent(thingName)}`;
  await requireRole('viewer');
  if (!thingNameSchema.safeParse(thingName).success) notFound();

  let sections: CheckSection[];
  try {
    sections = evaluateCheck(await gatherCheckFacts(thingName));
  } catch (err) {
    return (
      <>
        <PageHeader title={`Connection check: ${thingName}`} />
        <Alert
          title="Could not run the connection check"
          action={<ButtonLink href={`${thingPath}/check`}>Try again</ButtonLink>}
        >
          {toAppError(err).message}
        </Alert>
      </>
    );
  }
  const thingMissing = sections[0]?.steps[0]?.id === 'thing' && sections[0].steps[0].status === 'fail';
  const verdict = overallStatus(sections);

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={thingPath} className="text-indigo-700 hover:underline">
          ← {thingName}
        </Link>
      </p>
      <PageHeader
        title={`Connection check: ${thingName}`}
        description="What AWS IoT will say when this device connects, step by step, with the fix for anything that fails; then the device itself, live."
        actions={<ButtonLink href={`${thingPath}/check`}>Check again</ButtonLink>}
      />
      <div className="space-y-6">
        {verdict === 'ready' ? (
          <Alert tone="info" title="Ready to connect">
            Everything AWS IoT checks before a device can connect and publish is in place.
          </Alert>
        ) : (
          <Alert tone="warning" title="This device cannot connect yet">
            Fix the steps marked Fail below, then check again.
          </Alert>
        )}
        <CheckSections sections={sections} />
        {thingMissing ? null : <LiveCheck thingName={thingName} command={deviceCommandHint(thingName)} />}
      </div>
    </>
  );
}
