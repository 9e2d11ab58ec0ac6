import type { BulkJobsRepository } from '../../db/bulk-jobs';
import { DatabaseJobStore } from '../../db/job-store';
import type { OnboardingAws } from '../aws';
import { emptyCounts } from './progress';
import type { Clock } from './rate-limit';
import { JobRunner } from './runner';
import { StoreClosedError } from './store';
import type { DeviceStatus, JobRecord } from './types';

/**
 * One job this dashboard instance holds the lease on: its own runner over its own fenced store (so losing one
 * job's lease stops that job only). The lease is counted as surely ours until a third of `leaseMs` before it
 * would expire, timed from when the claim or last renewal was SENT (the database's expiry is later than that);
 * an AWS call is made only while it is, and only once the records before it are committed, so a call is never
 * made by two instances: a paused or partitioned instance stops calling before anyone may take the job over.
 */
export interface HeldJobOptions {
  repo: BulkJobsRepository;
  aws: OnboardingAws;
  owner: string;
  leaseMs: number;
  /** performance.now() when the claim was sent. */
  claimedAt: number;
  /** The job is no longer this instance's (taken over, or its store failed). */
  onLost: (job: HeldJob, reason: unknown) => void;
  log: (message: string) => void;
  clock?: Clock;
  now: () => number;
  random?: () => number;
}

export class HeldJob {
  /** A loop ran while this instance held the job (its end is the job's finish). */
  ran = false;
  lost = false;
  /** Resolves when this instance no longer holds the job. */
  readonly gone: Promise<void>;
  readonly released: () => void;
  private validUntil: number;
  private renewing: Promise<void> | undefined;

  private constructor(
    readonly jobId: string,
    readonly store: DatabaseJobStore,
    readonly runner: JobRunner,
    private readonly o: HeldJobOptions,
  ) {
    this.validUntil = o.claimedAt + o.leaseMs;
    let done!: () => void;
    this.gone = new Promise<void>((resolve) => (done = resolve));
    this.released = done;
  }

  static async open(jobId: string, o: HeldJobOptions): Promise<HeldJob> {
    let held: HeldJob | undefined;
    const store = await DatabaseJobStore.open(o.repo, {
      leaseOwner: o.owner,
      jobIds: [jobId],
      onFailure: (err) => held && o.onLost(held, err),
    });
    const runner = new JobRunner({
      store,
      aws: o.aws,
      beforeCall: (deviceKey) => held!.beforeCall(deviceKey),
      now: o.now,
      ...(o.clock ? { clock: o.clock } : {}),
      ...(o.random ? { random: o.random } : {}),
    });
    held = new HeldJob(jobId, store, runner, o);
    return held;
  }

  get job(): JobRecord | undefined {
    return this.store.job(this.jobId);
  }

  counts(): Record<DeviceStatus, number> {
    const counts = emptyCounts();
    for (const d of this.store.states(this.jobId)) counts[d.status]++;
    return counts;
  }

  /** A claim of a job already held (the lease lapsed while a renewal was late): ours again from `sentAt`. */
  reclaimed(sentAt: number): void {
    this.validUntil = sentAt + this.o.leaseMs;
  }

  /** Extends the lease; applies a cancel that an operator asked for on another instance. */
  renew(): Promise<void> {
    if (this.lost) return Promise.resolve();
    this.renewing ??= (async () => {
      const sent = performance.now();
      try {
        const status = await this.o.repo.renewLease(this.jobId, this.o.owner, this.o.leaseMs);
        if (status === undefined) return this.o.onLost(this, new Error('another instance took it over'));
        this.validUntil = sent + this.o.leaseMs;
        if (status === 'cancelling' && this.job?.status === 'running') this.runner.cancel(this.jobId);
      } catch (err) {
        this.o.log(`bulk job ${this.jobId}: the lease could not be renewed (${messageOf(err)})`);
      } finally {
        this.renewing = undefined;
      }
    })();
    return this.renewing;
  }

  /**
   * Before each AWS call: the device's records (every record, for a job-wide call) are committed, and the lease is
   * surely still ours.
   */
  private async beforeCall(deviceKey?: string): Promise<void> {
    await this.store.ready(deviceKey);
    if (this.fresh()) return;
    // Renew now, waiting at most until the lease would expire (a database that does not answer loses the job).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expiry = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, this.validUntil - performance.now()));
    });
    await Promise.race([this.renew(), expiry]);
    clearTimeout(timer);
    if (this.fresh()) return;
    this.o.onLost(this, new Error('the lease could not be renewed in time'));
    throw new StoreClosedError();
  }

  private fresh(): boolean {
    return !this.lost && performance.now() < this.validUntil - this.o.leaseMs / 3;
  }
}

export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
