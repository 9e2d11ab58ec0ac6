import type { OnboardingAws } from '../aws';
import { beforeEachCall } from './before-each-call';
import { jobCall } from './call';
import { runDevice } from './device';
import { newDeviceRecords, newJobRecord, type NewJob } from './draft';
import { JobError } from './job-error';
import { jobView } from './progress';
import { RateLimiter, realClock, type Clock } from './rate-limit';
import { reconcileCertificates } from './reconcile';
import { deviceKey, type JobStore, StoreClosedError } from './store';
import { FINISHED, type DeviceInput, type DeviceState, type JobRecord, type JobView } from './types';

export { JobError };

/**
 * The bulk onboarding job runner: the onboarding table (lib/onboarding/steps.ts) for many devices, with
 * scheduling, rate limits, retries and resume on top. `concurrency` devices at once (one device:
 * lib/onboarding/bulk/device.ts); every call waits for its operation's rate slot and is retried on
 * ThrottlingException with exponential backoff and full jitter (lib/onboarding/bulk/call.ts). A device that
 * fails is rolled back in reverse order and keeps its reason.
 *
 * Resumable: each device's progress is recorded before and after each AWS call, in a JobStore. After a
 * restart (or on another dashboard instance, which takes the job over: lib/onboarding/bulk/jobs.ts),
 * `resumeAll()` picks up every running job of the store; a call that was in flight is reconciled by asking AWS
 * about it (lib/onboarding/bulk/reconcile.ts).
 */

export interface RunnerOptions {
  /** Any store with the JobStore surface (lib/db/job-store.ts in the dashboard). */
  store: JobStore;
  aws: OnboardingAws;
  /**
   * Awaited before each AWS call, with the key of the device it is for (none for a job-wide call, such as the
   * certificate scan of a resume); if it throws, the call is not made. The dashboard waits here until the
   * device's records are durable and the job's lease is surely held (lib/onboarding/bulk/held-job.ts).
   */
  beforeCall?: (deviceKey?: string) => Promise<void>;
  /** Monotonic clock and timer for rate limits and backoff. */
  clock?: Clock;
  /** Wall clock (ms) for the records. */
  now?: () => number;
  random?: () => number;
}

export class JobRunner {
  private readonly store: JobStore;
  private readonly aws: OnboardingAws;
  private readonly beforeCall: RunnerOptions['beforeCall'];
  private readonly clock: Clock;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly loops = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly throttled = new Map<string, number>();
  private dead = false;

  constructor(opts: RunnerOptions) {
    this.store = opts.store;
    this.aws = opts.aws;
    this.beforeCall = opts.beforeCall;
    this.clock = opts.clock ?? realClock;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  // ------------------------------------------------------------------ jobs

  /** A new job, not started: its devices are added in batches, then `start`. */
  createJob(input: NewJob): JobRecord {
    const job = newJobRecord(input, this.now());
    this.store.putJob(job);
    return job;
  }

  /** Adds devices (their list positions from `from`) to a draft job, in one transaction. */
  addDevices(jobId: string, from: number, devices: DeviceInput[]): void {
    const job = this.requireJob(jobId);
    const taken = new Set(this.store.states(jobId).map((d) => d.thingName));
    this.store.commit(newDeviceRecords(job, from, devices, taken));
  }

  /** Starts a draft job, or resumes a cancelled one (its pending devices run). */
  start(jobId: string): JobRecord {
    const job = this.requireJob(jobId);
    if (job.status === 'draft' && this.store.states(jobId).length !== job.total) {
      throw new JobError(
        `The job has ${this.store.states(jobId).length} of its ${job.total} devices; add the rest first.`,
      );
    }
    if (job.status === 'running') return job;
    if (job.status === 'cancelling') throw new JobError('The job is still cancelling; wait for it to stop.');
    const started = this.saveJob(job, {
      status: 'running',
      startedAt: job.startedAt ?? this.now(),
      finishedAt: undefined,
    });
    this.ensureLoop(jobId);
    return started;
  }

  /** Stops taking new devices; devices already in progress finish (or roll back); the rest stay pending. */
  cancel(jobId: string): JobRecord {
    const job = this.requireJob(jobId);
    if (job.status === 'draft') return this.saveJob(job, { status: 'cancelled', finishedAt: this.now() });
    if (job.status !== 'running') return job;
    const saved = this.saveJob(job, { status: 'cancelling' });
    if (!this.loops.has(jobId)) return this.saveJob(saved, { status: 'cancelled', finishedAt: this.now() });
    return saved;
  }

  /** Runs failed and rolled-back devices again (all of them, or the given list positions). */
  retry(jobId: string, indexes?: number[]): number {
    const job = this.requireJob(jobId);
    if (job.status === 'draft' || job.status === 'cancelling') throw new JobError('The job cannot retry devices now.');
    const wanted = indexes ? new Set(indexes) : undefined;
    let count = 0;
    for (const d of this.store.states(jobId)) {
      if (d.status !== 'failed' && d.status !== 'rolled-back') continue;
      if (wanted && !wanted.has(d.index)) continue;
      const hasLeftovers = Boolean(d.principalAttached || d.policyAttached || d.certificateId || d.thingCreated);
      this.store.putState({
        ...d,
        // Something the last rollback could not remove is removed first, then the device runs again.
        status: hasLeftovers ? 'rolling-back' : 'pending',
        requeue: hasLeftovers || undefined,
        error: undefined,
        rollback: undefined,
        finishedAt: undefined,
      });
      count++;
    }
    if (count) {
      if (job.status !== 'running') this.saveJob(job, { status: 'running', finishedAt: undefined });
      this.ensureLoop(jobId);
    }
    return count;
  }

  /** Picks up every job left running (or cancelling) by a previous process. */
  resumeAll(): string[] {
    const resumed: string[] = [];
    for (const job of this.store.jobs()) {
      if (job.status === 'running' || job.status === 'cancelling') {
        this.ensureLoop(job.id);
        resumed.push(job.id);
      }
    }
    return resumed;
  }

  view(jobId: string): JobView | undefined {
    const job = this.store.job(jobId);
    if (!job) return undefined;
    const view = jobView(job, this.store.states(jobId), this.now());
    const throttled = this.throttled.get(jobId);
    if (throttled) view.throttleRetries = throttled;
    return view;
  }

  jobs(): JobRecord[] {
    return this.store.jobs();
  }

  /** For the bundle zip: every done device's certificate. */
  certificates(
    jobId: string,
  ): { index: number; thingName: string; certificateId: string; certificateArn: string; certificatePem: string }[] {
    this.requireJob(jobId);
    return this.store.states(jobId).flatMap((d) => {
      const pem = this.store.certificatePem(jobId, d.index);
      return d.status === 'done' && d.certificateId && d.certificateArn && pem
        ? [
            {
              index: d.index,
              thingName: d.thingName,
              certificateId: d.certificateId,
              certificateArn: d.certificateArn,
              certificatePem: pem,
            },
          ]
        : [];
    });
  }

  /** Whether the job's loop is running in this runner. */
  isRunning(jobId: string): boolean {
    return this.loops.has(jobId);
  }

  /** Resolves when the job's loop has stopped (finished, cancelled, or the runner was killed). */
  async idle(jobId: string): Promise<void> {
    while (this.loops.has(jobId)) await this.loops.get(jobId);
  }

  /** Stops at once, as a crash would: no further record is written and no further call is made. */
  kill(): void {
    this.dead = true;
    this.store.crash();
  }

  /**
   * Stops making calls and closes the store: what was recorded so far still becomes durable (the shared job
   * service then gives the job up, and another instance resumes it from there).
   */
  halt(): void {
    this.dead = true;
    this.store.close();
  }

  // ------------------------------------------------------------------ the loop

  private requireJob(jobId: string): JobRecord {
    const job = this.store.job(jobId);
    if (!job) throw new JobError('There is no such job.', 'not_found');
    return job;
  }

  private saveJob(job: JobRecord, patch: Partial<JobRecord>): JobRecord {
    const next = { ...job, ...patch, updatedAt: this.now() };
    this.store.putJob(next);
    return next;
  }

  private ensureLoop(jobId: string) {
    if (this.dead) return;
    if (this.loops.has(jobId)) {
      this.again.add(jobId);
      return;
    }
    const loop = this.loop(jobId)
      .catch((err: unknown) => {
        if (!(err instanceof StoreClosedError) && !this.dead) throw err;
      })
      .finally(() => this.loops.delete(jobId));
    this.loops.set(jobId, loop);
  }

  private async loop(jobId: string): Promise<void> {
    for (;;) {
      this.again.delete(jobId);
      await this.pass(jobId);
      if (this.dead) return;
      if (this.again.has(jobId)) continue;
      const job = this.requireJob(jobId);
      const states = this.store.states(jobId);
      const unfinished = states.some((d) => d.status === 'running' || d.status === 'rolling-back');
      if (unfinished) continue;
      if (job.status === 'cancelling') {
        this.saveJob(job, { status: 'cancelled', finishedAt: this.now() });
        return;
      }
      if (job.status === 'running') {
        if (states.some((d) => d.status === 'pending')) continue;
        this.saveJob(job, { status: 'completed', finishedAt: this.now() });
      }
      return;
    }
  }

  /** The AWS calls for one device (or the whole job), each made once `beforeCall` has resolved. */
  private awsFor(key?: string): OnboardingAws {
    const before = this.beforeCall;
    return before ? beforeEachCall(this.aws, () => before(key)) : this.aws;
  }

  /** One pass over the job's unfinished devices with `concurrency` workers. */
  private async pass(jobId: string): Promise<void> {
    const job = this.requireJob(jobId);
    const settings = job.settings;
    const call = jobCall({
      limiter: new RateLimiter(settings.rates, this.clock),
      settings,
      clock: this.clock,
      random: this.random,
      isDead: () => this.dead,
      onThrottled: () => this.throttled.set(jobId, (this.throttled.get(jobId) ?? 0) + 1),
    });
    const ctx = {
      store: this.store,
      aws: this.awsFor(),
      settings,
      policyName: job.policyName,
      call,
      now: this.now,
      isDead: () => this.dead,
    };
    // Devices a previous process left half-way go first, then the pending ones in list order.
    const order = this.store
      .states(jobId)
      .filter((d) => !FINISHED.has(d.status))
      .sort((a, b) => Number(a.status === 'pending') - Number(b.status === 'pending') || a.index - b.index)
      .map((d) => d.index);
    await reconcileCertificates(ctx, jobId);
    let cursor = 0;
    const next = (): DeviceState | undefined => {
      while (cursor < order.length && !this.dead) {
        const d = this.store.state(jobId, order[cursor++]!);
        if (!d) continue;
        if (d.status === 'running' || d.status === 'rolling-back') return d;
        if (d.status === 'pending' && this.store.job(jobId)?.status === 'running') return d;
      }
      return undefined;
    };
    const worker = async () => {
      for (let d = next(); d; d = next()) await runDevice({ ...ctx, aws: this.awsFor(deviceKey(jobId, d.index)) }, d);
    };
    // Every worker is waited for, even once one has failed (the store closed): a call still in flight when the
    // runner stops has returned before `idle()` resolves, so whoever resumes the job sees what it made.
    const workers = Array.from({ length: Math.max(1, Math.min(settings.concurrency, order.length || 1)) }, worker);
    const failure = (await Promise.allSettled(workers)).find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
  }
}
