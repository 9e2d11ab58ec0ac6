import type { DeviceStatus, JobRecord } from './types';

/**
 * What a bulk job tells the audit trail: started, resumed (at an instance's start, or by an operator after a
 * cancel), taken over (from an instance whose lease expired), cancelled, retried, finished; each with the
 * job's counts. The dashboard appends them to lib/db's audit log (lib/onboarding/bulk/audit.ts).
 */

/** Who asked, for the audit trail: the signed-in operator and where the request came from. */
export interface JobActor {
  id: string;
  name?: string;
  role?: string;
  clientAddress?: string;
  userAgent?: string;
}

export type BulkJobAction =
  | 'bulk.start'
  | 'bulk.resume'
  | 'bulk.take-over'
  | 'bulk.cancel'
  | 'bulk.retry'
  | 'bulk.finish';

export interface BulkJobEvent {
  action: BulkJobAction;
  job: JobRecord;
  /** The operator who asked; absent for what an instance does by itself (then the job's creator is the actor). */
  by?: JobActor;
  outcome: 'success' | 'failure';
  details: Record<string, unknown>;
}

export type RecordJobEvent = (event: BulkJobEvent) => Promise<void>;

export function jobEvent(
  action: BulkJobAction,
  job: JobRecord,
  opts: {
    by?: JobActor | undefined;
    counts?: Record<DeviceStatus, number> | undefined;
    details?: Record<string, unknown>;
    success?: boolean;
  },
): BulkJobEvent {
  return {
    action,
    job,
    ...(opts.by ? { by: opts.by } : {}),
    outcome: opts.success === false ? 'failure' : 'success',
    details: { job: job.name, ...(opts.counts ? { counts: opts.counts } : {}), ...opts.details },
  };
}
