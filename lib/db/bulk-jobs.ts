import type { Insertable, Kysely } from 'kysely';
import { sql } from 'kysely';

import type { JobCommit } from '../onboarding/bulk/store';
import type { DeviceInput, DeviceState, DeviceStatus, JobRecord } from '../onboarding/bulk/types';
import { bulkJobLeases } from './bulk-job-leases';
import {
  jobRow,
  parseDeviceKey,
  STATE_COLUMNS,
  stateColumns,
  stateFields,
  toJob,
  toState,
  deviceKey,
} from './bulk-job-rows';
import { GENERIC_PLAN } from './pglite-worker';
import type { BulkJobDevicesTable, DatabaseSchema } from './schema';

export { deviceKey, parseDeviceKey } from './bulk-job-rows';
export type { ClaimedJob, Lease } from './bulk-job-leases';
export type { JobCommit };

/**
 * Bulk jobs in the database: the records lib/onboarding/bulk/store.ts keeps (jobs, each device's input, state and
 * certificate PEM, addressed by the same keys `<jobId>/<000042>`), written in transactions, plus the leases
 * that let several dashboard instances share jobs (lib/db/bulk-job-leases.ts). Writes made under a lease are
 * fenced: once another instance has taken the job over, the old holder's writes are refused (LeaseLostError),
 * so an instance that was only paused cannot overwrite the new holder's progress.
 */

export class LeaseLostError extends Error {
  constructor(jobId: string) {
    super(`Job ${jobId} is now worked by another dashboard instance; this one stops working it.`);
    this.name = 'LeaseLostError';
  }
}

/** One device's progress (and its PEM, when the same write records it) as an element of `progressUpdate`'s list. */
export function progressRow(key: string, state: DeviceState, pems: Map<string, string | undefined>) {
  const { jobId, index } = parseDeviceKey(key);
  const pemSet = pems.has(key);
  const pem = pems.get(key) ?? null;
  pems.delete(key);
  return { job_id: jobId, position: index, ...stateFields(state), pem_set: pemSet, pem };
}

/**
 * One UPDATE of many devices' progress, the rows passed as one JSON parameter (a fifth cheaper on PGlite than a
 * VALUES list of thirteen parameters a row, and one parameter for node-postgres to serialise).
 * The LIMIT (the list's own length) is for the planner: it takes a set-returning function for 100 rows, and for
 * 100 rows it read the whole device table, every job's, instead of looking each device up by its key. A progress
 * write then took longer the more devices the database had ever held: on PGlite, 1.8 ms for 13 devices among
 * 6,000 (0.8 ms by key). Its plan is the same for any rows, so PGlite plans it once (GENERIC_PLAN).
 * With `fence`, it changes rows only while `owner` holds the job's lease, and holds the job's row FOR SHARE until
 * it commits, so a claim by another instance cannot slip in between.
 */
export function progressUpdate(rows: ReturnType<typeof progressRow>[], fence?: { jobId: string; owner: string }) {
  const lease = fence
    ? sql`, (select id from bulk_jobs where id = ${fence.jobId} and lease_owner = ${fence.owner} for share) as lease`
    : sql``;
  return sql`${sql.raw(GENERIC_PLAN)} update bulk_job_devices as d set
      status = v.status, inflight_step = v.inflight_step, inflight_at = v.inflight_at,
      certificate_id = v.certificate_id, certificate_arn = v.certificate_arn, runs = v.runs,
      started_at = v.started_at, finished_at = v.finished_at, progress = v.progress,
      certificate_pem = case when v.pem_set then v.pem else d.certificate_pem end
    from (select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(job_id text, position int,
      status text, inflight_step text, inflight_at timestamptz, certificate_id text, certificate_arn text, runs int,
      started_at timestamptz, finished_at timestamptz, progress jsonb, pem_set boolean, pem text)
      limit ${rows.length}) as v${lease}
    where d.job_id = v.job_id and d.position = v.position${fence ? sql` and lease.id = v.job_id` : sql``}`;
}

export function bulkJobsRepository(db: Kysely<DatabaseSchema>) {
  async function write(trx: Kysely<DatabaseSchema>, puts: JobCommit, leaseOwner?: string) {
    const touched = new Set<string>();
    for (const [id] of puts.jobs ?? []) touched.add(id);
    for (const list of [puts.inputs, puts.states, puts.pems])
      for (const [key] of list ?? []) touched.add(parseDeviceKey(key).jobId);

    if (leaseOwner && touched.size) {
      // FOR SHARE: a concurrent claim (an UPDATE of these rows) waits until this transaction is done.
      const held = await trx
        .selectFrom('bulk_jobs')
        .select(['id', 'lease_owner'])
        .where('id', 'in', [...touched])
        .forShare()
        .execute();
      for (const row of held) if (row.lease_owner !== leaseOwner) throw new LeaseLostError(row.id);
    }

    for (const [id, job] of puts.jobs ?? []) {
      if (!job) {
        await trx.deleteFrom('bulk_jobs').where('id', '=', id).execute();
        continue;
      }
      const row = jobRow(job);
      const { id: _id, created_at: _created, ...changes } = row;
      await trx
        .insertInto('bulk_jobs')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(changes))
        .execute();
    }

    // New devices: their input and first state in one multi-row insert.
    const states = new Map((puts.states ?? []).map(([k, v]) => [k, v]));
    const inserts: Insertable<BulkJobDevicesTable>[] = [];
    for (const [key, input] of puts.inputs ?? []) {
      const { jobId, index } = parseDeviceKey(key);
      if (!input) {
        await trx.deleteFrom('bulk_job_devices').where('job_id', '=', jobId).where('position', '=', index).execute();
        states.delete(key);
        continue;
      }
      const state = states.get(key) ?? { jobId, index, thingName: input.thingName, status: 'pending', runs: 0 };
      states.delete(key);
      inserts.push({
        job_id: jobId,
        position: index,
        thing_name: input.thingName,
        input: JSON.stringify(input),
        ...stateColumns(state),
      });
    }
    for (let i = 0; i < inserts.length; i += 1000) {
      await trx
        .insertInto('bulk_job_devices')
        .values(inserts.slice(i, i + 1000))
        .onConflict((oc) =>
          oc.columns(['job_id', 'position']).doUpdateSet((eb) => ({
            input: eb.ref('excluded.input'),
            thing_name: eb.ref('excluded.thing_name'),
            status: eb.ref('excluded.status'),
            inflight_step: eb.ref('excluded.inflight_step'),
            inflight_at: eb.ref('excluded.inflight_at'),
            certificate_id: eb.ref('excluded.certificate_id'),
            certificate_arn: eb.ref('excluded.certificate_arn'),
            progress: eb.ref('excluded.progress'),
            runs: eb.ref('excluded.runs'),
            started_at: eb.ref('excluded.started_at'),
            finished_at: eb.ref('excluded.finished_at'),
          })),
        )
        .execute();
    }

    // Progress of existing devices, with the certificate PEM recorded alongside: one UPDATE for the batch.
    const pems = new Map((puts.pems ?? []).map(([k, v]) => [k, v]));
    const updates: ReturnType<typeof progressRow>[] = [];
    for (const [key, state] of states) {
      if (state) {
        updates.push(progressRow(key, state, pems));
        continue;
      }
      const { jobId, index } = parseDeviceKey(key);
      await trx.deleteFrom('bulk_job_devices').where('job_id', '=', jobId).where('position', '=', index).execute();
    }
    for (let i = 0; i < updates.length; i += 1000) await progressUpdate(updates.slice(i, i + 1000)).execute(trx);

    // A PEM recorded without a state change (none of the runner's writes does this, but the store allows it).
    for (const [key, pem] of pems) {
      const { jobId, index } = parseDeviceKey(key);
      await trx
        .updateTable('bulk_job_devices')
        .set({ certificate_pem: pem ?? null })
        .where('job_id', '=', jobId)
        .where('position', '=', index)
        .execute();
    }
  }

  const repo = {
    /**
     * Writes one transaction. With `leaseOwner`, every job it touches must be leased by that owner (else
     * LeaseLostError and nothing is written).
     */
    async commit(puts: JobCommit, opts: { leaseOwner?: string } = {}): Promise<void> {
      // The runner's usual write, progress (and a PEM) of existing devices without a fence, is one statement:
      // atomic on its own, so it skips BEGIN/COMMIT (a third of the round trips on PGlite).
      const single =
        !opts.leaseOwner && !puts.jobs?.length && !puts.inputs?.length && (puts.states ?? []).every(([, v]) => v);
      const pemsFolded = (puts.pems ?? []).every(([k]) => (puts.states ?? []).some(([s]) => s === k));
      if (single && pemsFolded && (puts.states?.length ?? 0) <= 1000) {
        await write(db, puts);
        return;
      }
      // The same under a lease, for one job: the fence in the statement itself, so still one round trip.
      const progressOnly =
        !puts.jobs?.length && !puts.inputs?.length && pemsFolded && (puts.states ?? []).every(([, v]) => v);
      const jobIds = new Set((puts.states ?? []).map(([k]) => parseDeviceKey(k).jobId));
      const [jobId] = jobIds;
      if (opts.leaseOwner && progressOnly && jobId && jobIds.size === 1 && puts.states!.length <= 1000) {
        const pems = new Map((puts.pems ?? []).map(([k, v]) => [k, v]));
        const rows = puts.states!.map(([key, state]) => progressRow(key, state!, pems));
        const r = await progressUpdate(rows, { jobId, owner: opts.leaseOwner }).execute(db);
        const written = Number(r.numAffectedRows ?? 0);
        if (written === rows.length) return;
        // Nothing was written (the statement is atomic): the lease is another instance's, or a device is missing.
        if ((await repo.lease(jobId))?.owner !== opts.leaseOwner) throw new LeaseLostError(jobId);
        throw new Error(`Bulk job ${jobId}: ${rows.length - written} of the devices written are not in the database.`);
      }
      await db.transaction().execute((trx) => write(trx, puts, opts.leaseOwner));
    },

    putJob: (job: JobRecord, opts?: { leaseOwner?: string }) => repo.commit({ jobs: [[job.id, job]] }, opts),

    putState: (state: DeviceState, opts?: { leaseOwner?: string }) =>
      repo.commit({ states: [[deviceKey(state.jobId, state.index), state]] }, opts),

    async job(id: string): Promise<JobRecord | undefined> {
      const row = await db.selectFrom('bulk_jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toJob(row);
    },

    /** Newest first; `limit` of them, drafts left out with `started`. */
    async jobs(opts: { limit?: number; started?: boolean } = {}): Promise<JobRecord[]> {
      let q = db.selectFrom('bulk_jobs').selectAll().orderBy('created_at', 'desc');
      if (opts.started) q = q.where('status', '!=', 'draft');
      if (opts.limit) q = q.limit(opts.limit);
      return (await q.execute()).map(toJob);
    },

    /** Devices per status, per job (for the list of jobs: no device rows read). */
    async statusCounts(jobIds: string[]): Promise<Map<string, Partial<Record<DeviceStatus, number>>>> {
      const counts = new Map<string, Partial<Record<DeviceStatus, number>>>();
      if (!jobIds.length) return counts;
      const rows = await db
        .selectFrom('bulk_job_devices')
        .select(['job_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('job_id', 'in', jobIds)
        .groupBy(['job_id', 'status'])
        .execute();
      for (const r of rows) {
        const c = counts.get(r.job_id) ?? {};
        c[r.status as DeviceStatus] = Number(r.n);
        counts.set(r.job_id, c);
      }
      return counts;
    },

    /** Which of `names` the job already has (a batch added to a draft must not repeat one). */
    async takenThingNames(jobId: string, names: string[]): Promise<Set<string>> {
      if (!names.length) return new Set();
      const rows = await db
        .selectFrom('bulk_job_devices')
        .select('thing_name')
        .where('job_id', '=', jobId)
        .where('thing_name', 'in', names)
        .execute();
      return new Set(rows.map((r) => r.thing_name));
    },

    /** Every done device's certificate (public), for the job's zip. */
    async certificates(
      jobId: string,
    ): Promise<
      { index: number; thingName: string; certificateId: string; certificateArn: string; certificatePem: string }[]
    > {
      const rows = await db
        .selectFrom('bulk_job_devices')
        .select(['position', 'thing_name', 'certificate_id', 'certificate_arn', 'certificate_pem'])
        .where('job_id', '=', jobId)
        .where('status', '=', 'done')
        .orderBy('position')
        .execute();
      return rows.flatMap((r) =>
        r.certificate_id && r.certificate_arn && r.certificate_pem
          ? [
              {
                index: r.position,
                thingName: r.thing_name,
                certificateId: r.certificate_id,
                certificateArn: r.certificate_arn,
                certificatePem: r.certificate_pem,
              },
            ]
          : [],
      );
    },

    /** Every device's state in the job, in list order. */
    async states(jobId: string): Promise<DeviceState[]> {
      const rows = await db
        .selectFrom('bulk_job_devices')
        .select(STATE_COLUMNS)
        .where('job_id', '=', jobId)
        .orderBy('position')
        .execute();
      return rows.map(toState);
    },

    async state(jobId: string, index: number): Promise<DeviceState | undefined> {
      const row = await db
        .selectFrom('bulk_job_devices')
        .select(STATE_COLUMNS)
        .where('job_id', '=', jobId)
        .where('position', '=', index)
        .executeTakeFirst();
      return row && toState(row);
    },

    async input(jobId: string, index: number): Promise<DeviceInput | undefined> {
      const row = await db
        .selectFrom('bulk_job_devices')
        .select('input')
        .where('job_id', '=', jobId)
        .where('position', '=', index)
        .executeTakeFirst();
      return row && (row.input as unknown as DeviceInput);
    },

    /** Every device of the job: input, state and certificate PEM (to load a job whole). */
    async devices(jobId: string): Promise<{ input: DeviceInput; state: DeviceState; certificatePem?: string }[]> {
      const rows = await db
        .selectFrom('bulk_job_devices')
        .select([...STATE_COLUMNS, 'input', 'certificate_pem'])
        .where('job_id', '=', jobId)
        .orderBy('position')
        .execute();
      return rows.map((row) => ({
        input: row.input as unknown as DeviceInput,
        state: toState(row),
        ...(row.certificate_pem ? { certificatePem: row.certificate_pem } : {}),
      }));
    },

    async certificatePem(jobId: string, index: number): Promise<string | undefined> {
      const row = await db
        .selectFrom('bulk_job_devices')
        .select('certificate_pem')
        .where('job_id', '=', jobId)
        .where('position', '=', index)
        .executeTakeFirst();
      return row?.certificate_pem ?? undefined;
    },

    /**
     * Certificate ids any job has recorded (a resumed job skips them when it looks for a lost certificate). With
     * `since` (ms), only those that may have been made since: a device unfinished then, or finished after.
     */
    async knownCertificateIds(since?: number): Promise<Set<string>> {
      let q = db.selectFrom('bulk_job_devices').select('certificate_id').where('certificate_id', 'is not', null);
      if (since !== undefined)
        q = q.where((w) => w.or([w('finished_at', 'is', null), w('finished_at', '>=', new Date(since))]));
      return new Set((await q.execute()).map((r) => r.certificate_id!));
    },

    ...bulkJobLeases(db),
  };
  return repo;
}

export type BulkJobsRepository = ReturnType<typeof bulkJobsRepository>;
