import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { z } from 'zod';

import { JobMonitor } from '@/components/bulk/job-monitor';
import { ButtonLink } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { may, requireRole } from '@/lib/auth/guard';
import { orIfNotFound } from '@/lib/aws/call';
import { toAppError } from '@/lib/aws/errors';
import { getPolicy } from '@/lib/aws/policies';
import type { DeviceConnection } from '@/lib/bundle/connection';
import type { BulkPolicy } from '@/lib/onboarding/bulk/zip';
import { bulkJobs } from '@/lib/server/services';
import { deviceConnection } from '@/lib/onboarding/root-ca';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Bulk job' };

export default async function BulkJobPage(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  const operator = await requireRole('viewer');
  // Job ids are UUIDs: anything else names no job and never reaches the database.
  const view = z.uuid().safeParse(id).success ? await (await bulkJobs()).view(id) : undefined;
  if (!view) notFound();
  let connection: DeviceConnection | undefined;
  let connectionProblem: string | undefined;
  // The job's policy names the topic each device's bundle publishes to; without it the bundles say <thing>/telemetry.
  const policy: BulkPolicy = { name: view.job.policyName };
  const [reached, document] = await Promise.allSettled([
    deviceConnection(),
    orIfNotFound(async () => (await getPolicy(view.job.policyName)).document, undefined),
  ]);
  if (reached.status === 'fulfilled') connection = reached.value;
  else connectionProblem = `The zip needs the device endpoint and root CA: ${toAppError(reached.reason).message}`;
  if (document.status === 'fulfilled' && document.value) policy.document = document.value;
  return (
    <>
      <PageHeader
        title={`Bulk job ${view.job.name}`}
        description={`${view.job.total} devices · policy ${view.job.policyName} · ${view.job.settings.concurrency} at once. The job runs on the server and its private keys stay in this browser until you confirm you saved them: closing this page loses neither.`}
        actions={<ButtonLink href="/bulk">All bulk jobs</ButtonLink>}
      />
      <JobMonitor
        initial={view}
        policy={policy}
        {...(connection ? { connection } : {})}
        {...(connectionProblem ? { connectionProblem } : {})}
        mayControl={may(operator, 'operator')}
      />
    </>
  );
}
