import type { Metadata } from 'next';
import { notFound } from 'next/navigation';

import { JobMonitor } from '@/components/bulk/job-monitor';
import { ButtonLink } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { may, requireRole } from '@/lib/auth/guard';
import { toAppError } from '@/lib/aws/errors';
import type { DeviceConnection } from '@/lib/bundle/connection';
import { bulkJobRunner } from '@/lib/server/services';
import { deviceConnection } from '@/lib/onboarding/root-ca';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Bulk job' };

export default async function BulkJobPage(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  const operator = await requireRole('viewer');
  const view = bulkJobRunner().view(id);
  if (!view) notFound();
  let connection: DeviceConnection | undefined;
  let connectionProblem: string | undefined;
  try {
    connection = await deviceConnection();
  } catch (err) {
    connectionProblem = `The zip needs the device endpoint and root CA: ${toAppError(err).message}`;
  }
  return (
    <>
      <PageHeader
        title={`Bulk job ${view.job.name}`}
        description={`${view.job.total} devices · policy ${view.job.policyName} · ${view.job.settings.concurrency} at once. The job runs on the server: closing this page does not stop it.`}
        actions={<ButtonLink href="/bulk">All bulk jobs</ButtonLink>}
      />
      <JobMonitor
        initial={view}
        {...(connection ? { connection } : {})}
        {...(connectionProblem ? { connectionProblem } : {})}
        mayControl={may(operator, 'operator')}
      />
    </>
  );
}
