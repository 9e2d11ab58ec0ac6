'use client';

import { useActionState, useCallback, useEffect, useState } from 'react';

import { jobControlAction } from '@/app/(console)/bulk/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { DeviceConnection } from '@/lib/bundle/connection';
import type { BulkPolicy } from '@/lib/onboarding/bulk/zip';
import { idle, type ActionState } from '@/lib/forms/action-state';
import { STEP_LABELS, type DeviceStatus, type JobView } from '@/lib/onboarding/bulk/types';

import { KeyCustody } from './key-custody';
import { ProgressBar } from './progress-bar';
import { StatusBadge } from './status-badge';

const SHOWN = 500;
const FILTERS: { value: 'all' | DeviceStatus; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'failed', label: 'Failed' },
  { value: 'rolled-back', label: 'Rolled back' },
  { value: 'done', label: 'Done' },
  { value: 'running', label: 'Running' },
  { value: 'pending', label: 'Pending' },
];

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.ceil(seconds - m * 60)} s`;
}

function Control({
  jobId,
  intent,
  label,
  pending,
  variant,
}: {
  jobId: string;
  intent: string;
  label: string;
  pending: string;
  variant?: 'primary' | 'secondary' | 'danger';
}) {
  const [state, action] = useActionState<ActionState, FormData>(jobControlAction, idle());
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="jobId" value={jobId} />
      <input type="hidden" name="intent" value={intent} />
      <SubmitButton pendingLabel={pending} variant={variant ?? 'secondary'}>
        {label}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

/** The job's live status (polled), its controls, its private keys (held in this browser) and its devices. */
export function JobMonitor({
  initial,
  connection,
  connectionProblem,
  policy,
  mayControl = true,
}: {
  initial: JobView;
  connection?: DeviceConnection;
  connectionProblem?: string;
  /** The job's policy (its document names the topic each device's bundle publishes to). */
  policy: BulkPolicy;
  /** Cancel, resume, retry and the zip (credentials) need operator; a viewer watches. */
  mayControl?: boolean;
}) {
  const [view, setView] = useState(initial);
  const [filter, setFilter] = useState<'all' | DeviceStatus>('all');
  const [pollProblem, setPollProblem] = useState<string | undefined>();
  const job = view.job;
  const active = job.status === 'running' || job.status === 'cancelling';

  const refresh = useCallback(async () => {
    try {
      const res = await fetch(`/api/bulk-jobs/${job.id}`, { cache: 'no-store' });
      if (!res.ok)
        throw new Error(
          res.status === 401 ? 'Your session ended: sign in again.' : `The server answered ${res.status}.`,
        );
      setView((await res.json()) as JobView);
      setPollProblem(undefined);
    } catch (err) {
      setPollProblem(err instanceof Error ? err.message : 'The status could not be loaded.');
    }
  }, [job.id]);

  useEffect(() => {
    const timer = setInterval(() => void refresh(), active ? 1000 : 5000);
    return () => clearInterval(timer);
  }, [active, refresh]);

  const finished = view.counts.done + view.counts['rolled-back'] + view.counts.failed;
  const retryable = view.counts.failed + view.counts['rolled-back'];
  const rows = filter === 'all' ? view.devices : view.devices.filter((d) => d.status === filter);

  return (
    <div className="space-y-6">
      <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm" aria-label="Progress">
        <div className="flex flex-wrap items-center gap-3">
          <h2 className="text-base font-semibold text-slate-900">Status</h2>
          <span data-testid="job-status">
            <StatusBadge status={job.status} />
          </span>
        </div>
        <ProgressBar value={finished} max={job.total} label={`${finished} of ${job.total} devices finished`} />
        <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-6">
          {(
            [
              ['Done', view.counts.done],
              ['Failed', view.counts.failed],
              ['Rolled back', view.counts['rolled-back']],
              ['In progress', view.counts.running + view.counts['rolling-back']],
              ['Pending', view.counts.pending],
            ] as const
          ).map(([label, n]) => (
            <div key={label}>
              <dt className="text-xs text-slate-500">{label}</dt>
              <dd
                className="font-semibold text-slate-900"
                data-testid={`count-${label.toLowerCase().replace(' ', '-')}`}
              >
                {n}
              </dd>
            </div>
          ))}
          <div>
            <dt className="text-xs text-slate-500">Rate · time left</dt>
            <dd className="font-semibold text-slate-900">
              {view.rate ? `${view.rate.toFixed(1)} devices/s` : '–'}
              {view.etaSeconds !== undefined ? ` · ${duration(view.etaSeconds)}` : ''}
            </dd>
          </div>
        </dl>
        {view.throttleRetries ? (
          <p className="text-xs text-slate-600">
            AWS throttled {view.throttleRetries} calls; each was retried with backoff.
          </p>
        ) : null}
        {pollProblem ? <p className="text-sm text-red-700">{pollProblem}</p> : null}
        {!mayControl ? (
          <p className="text-sm text-slate-500" data-needs-role="operator">
            Cancelling, resuming, retrying and downloading the zip need operator.
          </p>
        ) : null}
        <div className={mayControl ? 'flex flex-wrap items-start gap-3' : 'hidden'}>
          {job.status === 'running' ? (
            <Control jobId={job.id} intent="cancel" label="Cancel the job" pending="Cancelling…" variant="danger" />
          ) : null}
          {job.status === 'cancelled' && view.counts.pending > 0 ? (
            <Control
              jobId={job.id}
              intent="resume"
              label={`Resume (${view.counts.pending} pending)`}
              pending="Resuming…"
            />
          ) : null}
          {!active && retryable > 0 ? (
            <Control
              jobId={job.id}
              intent="retry"
              label={`Retry ${retryable} failed device${retryable === 1 ? '' : 's'}`}
              pending="Retrying…"
            />
          ) : null}
        </div>
        {connectionProblem ? (
          <Alert tone="warning" title="Endpoint unknown">
            {connectionProblem}
          </Alert>
        ) : null}
      </section>

      <KeyCustody
        job={job}
        devices={view.devices}
        active={active}
        policy={policy}
        {...(connection ? { connection } : {})}
      />

      <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-5 shadow-sm" aria-label="Devices">
        <div className="flex flex-wrap items-center gap-2">
          <h2 className="mr-2 text-base font-semibold text-slate-900">Devices</h2>
          {FILTERS.map((f) => (
            <Button
              key={f.value}
              variant={filter === f.value ? 'primary' : 'ghost'}
              onClick={() => setFilter(f.value)}
              aria-pressed={filter === f.value}
            >
              {f.label}
            </Button>
          ))}
        </div>
        {rows.length === 0 ? (
          <p className="text-sm text-slate-600">No devices with this status.</p>
        ) : (
          <div className="max-h-[32rem] overflow-auto">
            <Table aria-label="Devices of the job">
              <TableHead>
                <TableRow>
                  <TableHeaderCell>#</TableHeaderCell>
                  <TableHeaderCell>Thing</TableHeaderCell>
                  <TableHeaderCell>Status</TableHeaderCell>
                  <TableHeaderCell>Certificate</TableHeaderCell>
                  <TableHeaderCell>Step · reason</TableHeaderCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {rows.slice(0, SHOWN).map((d) => (
                  <TableRow key={d.index} data-testid={`device-${d.thingName}`}>
                    <TableCell>{d.index + 1}</TableCell>
                    <TableCell className="font-mono text-xs">{d.thingName}</TableCell>
                    <TableCell>
                      <StatusBadge status={d.status} />
                    </TableCell>
                    <TableCell className="font-mono text-xs">
                      {d.certificateId ? `${d.certificateId.slice(0, 12)}…` : ''}
                    </TableCell>
                    <TableCell className="text-xs">
                      {d.step ? <span className="font-medium">{STEP_LABELS[d.step]}</span> : null}
                      {d.reason ? <span className="block text-slate-700">{d.reason}</span> : null}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {rows.length > SHOWN ? (
              <p className="mt-2 text-xs text-slate-600">
                Showing {SHOWN} of {rows.length}.
              </p>
            ) : null}
          </div>
        )}
      </section>
    </div>
  );
}
