import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';

import type { JobRecord, JobStatus } from '../onboarding/bulk/types';
import { toJob } from './bulk-job-rows';
import type { BulkJobsTable, DatabaseSchema } from './schema';

/**
 * The leases that let several dashboard instances share bulk jobs. A running job is worked by the one instance
 * that holds its lease (`lease_owner`, `lease_expires_at`, both set with the database's clock): it claims the
 * job, renews the lease while it works, releases it when done. A job whose lease has expired (its instance
 * died or stopped renewing) is claimed by another. Concurrent claimers never get the same job: each locks its
 * candidate row and skips rows another has locked (FOR UPDATE SKIP LOCKED). Writes made under a lease are
 * fenced (lib/db/bulk-jobs.ts: LeaseLostError), so an old holder cannot overwrite the new holder's progress.
 */

export interface Lease {
  owner: string;
  expiresAt: Date;
}

/** A job just claimed, and who held it before (an expired lease: that instance died or stalled). */
export interface ClaimedJob {
  job: JobRecord;
  previousOwner?: string;
}

const leaseExpiry = (leaseMs: number) => sql<Date>`now() + make_interval(secs => ${leaseMs / 1000}::float8)`;

export function bulkJobLeases(db: Kysely<DatabaseSchema>) {
  const leases = {
    /**
     * Claims one job nobody holds (or whose lease has expired), oldest first, for `leaseMs` by the database's
     * clock: a running or cancelling one (what an instance resumes or takes over), or with `jobId` and
     * `anyStatus` that job whatever its status (an operator starts, cancels or retries it on this instance).
     */
    async take(
      owner: string,
      leaseMs: number,
      opts: { jobId?: string; anyStatus?: boolean } = {},
    ): Promise<ClaimedJob | undefined> {
      let candidate = db
        .selectFrom('bulk_jobs')
        .select(['id', 'lease_owner'])
        .where((w) => w.or([w('lease_owner', 'is', null), w('lease_expires_at', '<', sql<Date>`now()`)]));
      if (!opts.anyStatus) candidate = candidate.where('status', 'in', ['running', 'cancelling']);
      if (opts.jobId) candidate = candidate.where('id', '=', opts.jobId);
      const query = candidate.orderBy('created_at').limit(1).forUpdate().skipLocked();
      const { rows } = await sql<Selectable<BulkJobsTable> & { previous_owner: string | null }>`
        update bulk_jobs as j set lease_owner = ${owner}, lease_expires_at = ${leaseExpiry(leaseMs)}
        from (${query}) as c
        where j.id = c.id
        returning j.*, c.lease_owner as previous_owner`.execute(db);
      const row = rows[0];
      if (!row) return undefined;
      const { previous_owner, ...job } = row;
      return { job: toJob(job), ...(previous_owner ? { previousOwner: previous_owner } : {}) };
    },

    /** `take` for running (or cancelling) jobs, without who held them before. */
    async claim(owner: string, leaseMs: number, opts: { jobId?: string } = {}): Promise<JobRecord | undefined> {
      return (await leases.take(owner, leaseMs, opts))?.job;
    },

    /**
     * Extends the lease and answers the job's status as stored (another instance may have asked for it to be
     * cancelled); undefined when this owner no longer holds the job (another instance took it over).
     */
    async renewLease(jobId: string, owner: string, leaseMs: number): Promise<JobStatus | undefined> {
      const row = await db
        .updateTable('bulk_jobs')
        .set({ lease_expires_at: leaseExpiry(leaseMs) })
        .where('id', '=', jobId)
        .where('lease_owner', '=', owner)
        .returning('status')
        .executeTakeFirst();
      return row?.status as JobStatus | undefined;
    },

    /** Extends the lease; false when this owner no longer holds the job. */
    async renew(jobId: string, owner: string, leaseMs: number): Promise<boolean> {
      return (await leases.renewLease(jobId, owner, leaseMs)) !== undefined;
    },

    /** Gives the job up (finished, or this instance is shutting down); false when it was not held. */
    async release(jobId: string, owner: string): Promise<boolean> {
      const r = await db
        .updateTable('bulk_jobs')
        .set({ lease_owner: null, lease_expires_at: null })
        .where('id', '=', jobId)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async lease(jobId: string): Promise<Lease | undefined> {
      const row = await db
        .selectFrom('bulk_jobs')
        .select(['lease_owner', 'lease_expires_at'])
        .where('id', '=', jobId)
        .executeTakeFirst();
      return row?.lease_owner && row.lease_expires_at
        ? { owner: row.lease_owner, expiresAt: row.lease_expires_at }
        : undefined;
    },

    /**
     * Asks for a running job to be cancelled while another instance works it: the status becomes `cancelling`
     * and the holder, which reads it back at its next lease renewal, stops taking devices. Undefined when the
     * job was not running.
     */
    async requestCancel(jobId: string, at: number): Promise<JobRecord | undefined> {
      const row = await db
        .updateTable('bulk_jobs')
        .set({ status: 'cancelling', updated_at: new Date(at) })
        .where('id', '=', jobId)
        .where('status', '=', 'running')
        .returningAll()
        .executeTakeFirst();
      return row && toJob(row);
    },

    /**
     * Ends every lease at once (their holders are gone): for the embedded database, which one process opens at
     * a time, so a lease found when it opens belongs to a process that died.
     */
    async expireLeases(): Promise<number> {
      const r = await db
        .updateTable('bulk_jobs')
        .set({ lease_expires_at: sql<Date>`now() - interval '1 second'` })
        .where('lease_owner', 'is not', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
  };
  return leases;
}
