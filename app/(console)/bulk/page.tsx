import type { Metadata } from 'next';
import Link from 'next/link';

import { BulkOnboard, type TemplateOption } from '@/components/bulk/bulk-onboard';
import { HeldKeysNotice } from '@/components/bulk/held-keys-notice';
import { StatusBadge } from '@/components/bulk/status-badge';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { requireRole } from '@/lib/auth/guard';
import { toAppError } from '@/lib/aws/errors';
import { listPolicyNames } from '@/lib/aws/policies';
import type { RecentJob } from '@/lib/onboarding/bulk/jobs';
import { bulkJobs } from '@/lib/server/services';
import { POLICY_TEMPLATES } from '@/lib/policies/templates';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Bulk onboarding' };

export default async function BulkPage() {
  await requireRole('operator');
  let policies: string[] = [];
  const problems: string[] = [];
  try {
    policies = await listPolicyNames();
  } catch (err) {
    problems.push(toAppError(err).message);
  }
  const templates: TemplateOption[] = POLICY_TEMPLATES.map((t) => ({ id: t.id, title: t.title, summary: t.summary }));
  let jobs: RecentJob[] = [];
  try {
    jobs = await (await bulkJobs()).recent(20);
  } catch (err) {
    problems.push(`Bulk jobs are not available: ${err instanceof Error ? err.message : String(err)}`);
  }

  return (
    <>
      <PageHeader
        title="Bulk onboarding"
        description="Onboard a fleet from a CSV or a name prefix: every row is checked first, keys are made in this browser, and a job on the server creates each device (thing, certificate, policy, attachments) within AWS's rate limits, rolling back any device that fails."
      />
      <div className="space-y-8">
        <HeldKeysNotice jobs={jobs.map(({ job }) => ({ id: job.id, name: job.name }))} />
        <BulkOnboard policies={policies} templates={templates} listProblems={problems} />
        <section aria-label="Recent jobs" className="space-y-3">
          <h2 className="text-base font-semibold text-slate-900">Recent jobs</h2>
          {jobs.length === 0 ? (
            <p className="text-sm text-slate-600">
              No bulk jobs yet. Check a list above and start one; its progress stays here even if you close the tab.
            </p>
          ) : (
            <Table aria-label="Bulk jobs">
              <TableHead>
                <TableRow>
                  <TableHeaderCell>Job</TableHeaderCell>
                  <TableHeaderCell>Status</TableHeaderCell>
                  <TableHeaderCell>Devices</TableHeaderCell>
                  <TableHeaderCell>Started</TableHeaderCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {jobs.map(({ job: j, counts }) => {
                  return (
                    <TableRow key={j.id}>
                      <TableCell>
                        <Link href={`/bulk/${j.id}`} className="font-medium text-indigo-700 hover:underline">
                          {j.name}
                        </Link>
                      </TableCell>
                      <TableCell>
                        <StatusBadge status={j.status} />
                      </TableCell>
                      <TableCell>
                        {`${counts.done} done of ${j.total}`}
                        {counts.failed + counts['rolled-back']
                          ? `, ${counts.failed + counts['rolled-back']} failed`
                          : ''}
                      </TableCell>
                      <TableCell>
                        {new Date(j.startedAt ?? j.createdAt).toISOString().replace('T', ' ').slice(0, 19)} UTC
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
        </section>
      </div>
    </>
  );
}
