import os from 'node:os';

import type { BulkJobsRepository, ClaimedJob } from '../../db/bulk-jobs';
import type { OnboardingAws } from '../aws';
import { newDeviceRecords, newJobRecord, type NewJob } from './draft';
import { HeldJob, messageOf } from './held-job';
import { JobError } from './job-error';
import { type JobActor, jobEvent, type BulkJobAction, type RecordJobEvent } from './job-events';
import { emptyCounts, jobView } from './progress';
import type { Clock } from './rate-limit';
import type { DeviceInput, DeviceStatus, JobRecord, JobView } from './types';

export type { BulkJobAction, BulkJobEvent, JobActor } from './job-events';

/**
 * Bulk jobs shared by every dashboard instance on one database. Each instance runs the jobs it holds a lease
 * on (lib/db/bulk-job-leases.ts), each with its own runner and fenced store (lib/onboarding/bulk/held-job.ts):
 * - at start (lib/server/services.ts, from instrumentation.ts) it claims every running job nobody holds, and
 *   every `scanMs` the jobs whose lease expired (their instance died), and resumes them from what was recorded
 *   (the runner's reconcile step asks AWS about the calls that were in flight);
 * - it renews each lease every third of `leaseMs`; an AWS call is made only while the lease is surely its own
 *   and the records before the call are committed, so no call is made by two instances;
 * - when a job's loop ends it commits the last records and releases the lease.
 * An operator's request (start, cancel, retry) reaches any instance: it claims the job if nobody holds it; a
 * job running on another instance is cancelled through the database (its holder reads the status back when it
 * renews). Views come from memory for held jobs, else from the database. Job events go to `record`.
 */

export const DEFAULT_LEASE_MS = 30_000;

export interface BulkJobsOptions {
  repo: BulkJobsRepository;
  /** The job's AWS calls (the SDK's own retries off: the runner retries). */
  aws: OnboardingAws;
  /** This instance's name in leases and audit events (default host#pid-random). */
  owner?: string;
  leaseMs?: number;
  /** How often to look for jobs whose lease expired (default a third of the lease). */
  scanMs?: number;
  /** The database serves this process only (embedded PGlite): leases found at start belong to a dead process. */
  singleProcess?: boolean;
  /** Where the job's events go (the audit trail). */
  record?: RecordJobEvent;
  log?: (message: string) => void;
  clock?: Clock;
  now?: () => number;
  random?: () => number;
}

/** A job in the list of recent jobs, with its devices counted per status. */
export interface RecentJob {
  job: JobRecord;
  counts: Record<DeviceStatus, number>;
}

export const BUSY_MESSAGE =
  'Another dashboard instance is working on this job right now; try again once it has finished.';

const defaultOwner = () => `${os.hostname()}#${process.pid}-${Math.random().toString(36).slice(2, 6)}`;

export class BulkJobs {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly scanMs: number;
  private readonly repo: BulkJobsRepository;
  private readonly now: () => number;
  private readonly log: (message: string) => void;
  private readonly held = new Map<string, HeldJob>();
  /** Per job this instance lost: resolves once the commit its store had in progress has landed or failed. */
  private readonly settling = new Map<string, Promise<void>>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private scanning: Promise<string[]> | undefined;
  private stopped = false;

  constructor(private readonly o: BulkJobsOptions) {
    this.owner = o.owner ?? defaultOwner();
    this.leaseMs = o.leaseMs ?? DEFAULT_LEASE_MS;
    this.scanMs = o.scanMs ?? this.leaseMs / 3;
    this.repo = o.repo;
    this.now = o.now ?? Date.now;
    this.log = o.log ?? ((m) => console.warn(m));
  }

  // ------------------------------------------------------------------ the instance

  /** Resumes every running job nobody holds, then keeps looking for expired leases and renewing its own. */
  async start(): Promise<string[]> {
    if (this.o.singleProcess) await this.repo.expireLeases();
    const resumed = await this.scan();
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const t = setInterval(() => void fn().catch((err: unknown) => this.log(`bulk jobs: ${messageOf(err)}`)), ms);
      t.unref?.();
      this.timers.push(t);
    };
    every(this.scanMs, () => this.scan());
    every(this.leaseMs / 3, () => Promise.all([...this.held.values()].map((h) => h.renew())));
    return resumed;
  }

  /** Stops: no new call is made, what was recorded is committed, and the leases are released for another instance. */
  async stop(): Promise<void> {
    this.halt();
    await this.scanning?.catch(() => undefined);
    await Promise.all(
      [...this.held.values()].map(async (h) => {
        h.runner.halt();
        await h.runner.idle(h.jobId);
        await h.store.flush().catch(() => undefined);
        this.drop(h);
        await this.repo.release(h.jobId, this.owner).catch(() => undefined);
      }),
    );
  }

  /** Stops at once, as a crash would (nothing more recorded, leases left to expire): for tests. */
  crash(): void {
    this.halt();
    for (const h of [...this.held.values()]) {
      h.runner.kill();
      this.drop(h);
    }
  }

  /** Whether this instance is working the job now. */
  holds(jobId: string): boolean {
    return this.held.has(jobId);
  }

  /** Resolves once this instance no longer holds the job (it finished, was given up or taken over). */
  async idle(jobId: string): Promise<void> {
    for (let h = this.held.get(jobId); h; h = this.held.get(jobId)) await h.gone;
  }

  // ------------------------------------------------------------------ an operator's requests

  /** A new job, not started (stored at once: the next request may reach another instance). */
  async createJob(input: NewJob): Promise<JobRecord> {
    const job = newJobRecord(input, this.now());
    await this.repo.putJob(job);
    return job;
  }

  /** Adds devices (list positions `from`…) to a draft job. */
  async addDevices(jobId: string, from: number, devices: DeviceInput[]): Promise<void> {
    const job = await this.stored(jobId);
    const names = devices.map((d) => d.thingName);
    await this.repo.commit(newDeviceRecords(job, from, devices, await this.repo.takenThingNames(jobId, names)));
  }

  /** Starts a draft job, or resumes a cancelled one, on this instance. */
  startJob(jobId: string, by: JobActor): Promise<JobRecord> {
    return this.serial(jobId, async () => {
      const h = await this.hold(jobId);
      if (!h) {
        const job = await this.stored(jobId);
        if (job.status === 'running') return job;
        throw new JobError(BUSY_MESSAGE);
      }
      const before = h.job!.status;
      const job = this.act(h, () => h.runner.start(jobId));
      if (before !== job.status) {
        await this.record(before === 'draft' ? 'bulk.start' : 'bulk.resume', h, by, {
          devices: job.total,
          policy: job.policyName,
        });
      }
      return job;
    });
  }

  /** Stops taking new devices; devices in progress finish or roll back. Works wherever the job runs. */
  cancel(jobId: string, by: JobActor): Promise<JobRecord> {
    return this.serial(jobId, async () => {
      let h = this.held.get(jobId);
      if (!h) {
        const stored = await this.stored(jobId);
        if (stored.status === 'completed' || stored.status === 'cancelled') return stored;
        h = await this.hold(jobId);
        if (!h) {
          // Another instance works it: asked through the database, it stops at its next lease renewal.
          const asked = await this.repo.requestCancel(jobId, this.now());
          const counts = (await this.repo.statusCounts([jobId])).get(jobId);
          if (asked) await this.record('bulk.cancel', asked, by, { counts: { ...emptyCounts(), ...counts } });
          return asked ?? this.stored(jobId);
        }
      }
      const before = h.job!.status;
      const job = this.act(h, () => h.runner.cancel(jobId));
      if (job.status !== before) await this.record('bulk.cancel', h, by, {});
      return job;
    });
  }

  /** Runs failed and rolled-back devices again (all, or the given list positions); how many. */
  retry(jobId: string, by: JobActor, indexes?: number[]): Promise<number> {
    return this.serial(jobId, async () => {
      const h = await this.hold(jobId);
      if (!h) {
        await this.stored(jobId);
        throw new JobError(BUSY_MESSAGE);
      }
      const n = this.act(h, () => h.runner.retry(jobId, indexes));
      if (n) await this.record('bulk.retry', h, by, { retried: n });
      return n;
    });
  }

  async view(jobId: string): Promise<JobView | undefined> {
    const h = this.held.get(jobId);
    if (h) return h.runner.view(jobId);
    const job = await this.repo.job(jobId);
    return job && jobView(job, await this.repo.states(jobId), this.now());
  }

  /** The newest started jobs with their counts. */
  async recent(limit = 20): Promise<RecentJob[]> {
    const jobs = await this.repo.jobs({ limit, started: true });
    const counts = await this.repo.statusCounts(jobs.map((j) => j.id));
    return jobs.map((job) => {
      const h = this.held.get(job.id);
      if (h) return { job: h.job ?? job, counts: h.counts() };
      return { job, counts: { ...emptyCounts(), ...counts.get(job.id) } };
    });
  }

  /** Every done device's certificate, for the job's zip. */
  async certificates(jobId: string): ReturnType<BulkJobsRepository['certificates']> {
    const h = this.held.get(jobId);
    if (h) return h.runner.certificates(jobId);
    await this.stored(jobId);
    return this.repo.certificates(jobId);
  }

  // ------------------------------------------------------------------ leases

  /** Claims jobs nobody holds (running or cancelling), one at a time, and resumes each. */
  private scan(): Promise<string[]> {
    if (this.scanning) return this.scanning.then(() => []);
    const run = async () => {
      const adopted: string[] = [];
      while (!this.stopped) {
        const sent = performance.now();
        const got = await this.repo.take(this.owner, this.leaseMs);
        if (!got) break;
        adopted.push(got.job.id);
        await this.serial(got.job.id, () => this.resume(got, sent));
      }
      return adopted;
    };
    this.scanning = run().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  private async resume(got: ClaimedJob, sent: number): Promise<HeldJob> {
    const existing = this.held.get(got.job.id);
    if (existing) {
      // Ours already (a renewal was late and the lease lapsed): keep working it.
      existing.reclaimed(sent);
      return existing;
    }
    const h = await this.adopt(got.job.id, sent);
    // A running job claimed here was left by an instance that stopped (or never had one): it carries on here.
    if (got.job.status === 'running' || got.job.status === 'cancelling') {
      h.runner.resumeAll();
      this.settle(h);
      const takenOver = got.previousOwner !== undefined && got.previousOwner !== this.owner;
      await this.record(takenOver ? 'bulk.take-over' : 'bulk.resume', h, undefined, {
        instance: this.owner,
        ...(takenOver ? { from: got.previousOwner } : {}),
      });
    }
    return h;
  }

  /** The job held by this instance, claimed now if nobody holds it; undefined while another instance does. */
  private async hold(jobId: string): Promise<HeldJob | undefined> {
    const h = this.held.get(jobId);
    if (h) return h;
    const sent = performance.now();
    const got = await this.repo.take(this.owner, this.leaseMs, { jobId, anyStatus: true });
    return got && this.resume(got, sent);
  }

  private async adopt(jobId: string, claimedAt: number): Promise<HeldJob> {
    // Taken back after this instance lost it: read it only once the old store's last commit is in or refused.
    await this.settling.get(jobId);
    const h = await HeldJob.open(jobId, {
      repo: this.repo,
      aws: this.o.aws,
      owner: this.owner,
      leaseMs: this.leaseMs,
      claimedAt,
      onLost: (job, reason) => this.lose(job, reason),
      log: this.log,
      now: this.now,
      ...(this.o.clock ? { clock: this.o.clock } : {}),
      ...(this.o.random ? { random: this.o.random } : {}),
    });
    this.held.set(jobId, h);
    return h;
  }

  /** Stops working the job here (the lease was lost, or the database failed): whoever claims it next resumes it. */
  private lose(h: HeldJob, reason: unknown): void {
    if (h.lost) return;
    h.lost = true;
    h.runner.kill();
    this.settling.set(h.jobId, h.store.settled());
    this.drop(h);
    if (!this.stopped) this.log(`bulk job ${h.jobId}: this instance stopped working it (${messageOf(reason)})`);
  }

  /** A request to the job's runner; whatever it did, the job is settled (released once its loop ends). */
  private act<T>(h: HeldJob, fn: () => T): T {
    try {
      return fn();
    } finally {
      this.settle(h);
    }
  }

  /** Once the job's loop ends: commit, release the lease, record the finish. */
  private settle(h: HeldJob): void {
    if (h.runner.isRunning(h.jobId)) h.ran = true;
    void h.runner
      .idle(h.jobId)
      .then(() => this.serial(h.jobId, () => this.finish(h)))
      .catch((err: unknown) => this.log(`bulk job ${h.jobId}: ${messageOf(err)}`));
  }

  private async finish(h: HeldJob): Promise<void> {
    if (h.lost || this.held.get(h.jobId) !== h) return;
    if (h.runner.isRunning(h.jobId)) return this.settle(h);
    try {
      await h.store.flush();
    } catch (err) {
      return this.lose(h, err);
    }
    h.store.close();
    // No more renewals: the lease goes now. `idle()` resolves once the finish is recorded and the lease released.
    h.lost = true;
    const job = h.job;
    if (h.ran && job && (job.status === 'completed' || job.status === 'cancelled'))
      await this.record('bulk.finish', h, undefined, { status: job.status }, h.counts().done === job.total);
    await this.repo
      .release(h.jobId, this.owner)
      .catch((err: unknown) => this.log(`bulk job ${h.jobId}: the lease could not be released (${messageOf(err)})`));
    this.drop(h);
  }

  private drop(h: HeldJob): void {
    if (this.held.get(h.jobId) === h) this.held.delete(h.jobId);
    h.released();
  }

  private halt(): void {
    this.stopped = true;
    for (const t of this.timers.splice(0)) clearInterval(t);
  }

  /** One request or lease step per job at a time, in order. */
  private serial<T>(jobId: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.chains.get(jobId) ?? Promise.resolve()).catch(() => undefined).then(fn);
    const tail = next.catch(() => undefined);
    this.chains.set(jobId, tail);
    void tail.then(() => {
      if (this.chains.get(jobId) === tail) this.chains.delete(jobId);
    });
    return next;
  }

  private async stored(jobId: string): Promise<JobRecord> {
    const job = await this.repo.job(jobId);
    if (!job) throw new JobError('There is no such job.', 'not_found');
    return job;
  }

  /** Appends the event (never in the way of the job: a failure to record is logged, never thrown). */
  private async record(
    action: BulkJobAction,
    of: HeldJob | JobRecord,
    by: JobActor | undefined,
    details: Record<string, unknown>,
    success = true,
  ): Promise<void> {
    const job = of instanceof HeldJob ? of.job : of;
    if (!job || !this.o.record) return;
    const counts = of instanceof HeldJob ? of.counts() : undefined;
    await this.o
      .record(jobEvent(action, job, { by, counts, details, success }))
      .catch((err: unknown) =>
        this.log(`bulk job ${job.id}: the audit event could not be recorded (${messageOf(err)})`),
      );
  }
}
