import { type JobCommit, type JobStore, StoreClosedError, type WriteOptions } from '../onboarding/bulk/store';
import type { DeviceInput, DeviceState, JobRecord } from '../onboarding/bulk/types';
import { type BulkJobsRepository, deviceKey, parseDeviceKey } from './bulk-jobs';

/**
 * lib/onboarding/bulk/store.ts's JobStore (synchronous reads, synchronous writes) on the database: every job it
 * holds is in memory, and every write is applied in memory at once and queued for the database, where a single
 * writer commits the queue in order, one transaction per batch (so a burst of small writes costs one round trip).
 *
 * `flush()` resolves when everything written so far is committed; `ready(device)` when every write of that
 * device and of its job record is, but the `deferred` ones (and the store is still open): a deferred write waits,
 * in memory, for its device's next write. The runner's "recorded before each AWS call" guarantee holds when every
 * AWS call waits for `ready` first (the runner's `beforeCall`). A device's call does not wait for other devices'
 * writes: a resume reconciles each device from its own records. A write that fails (database gone, lease lost)
 * stops the store: later writes throw StoreClosedError, as after a crash, and whoever resumes the job reads what
 * was committed.
 *
 * One store per job set. Several dashboard instances share jobs through leases: each instance keeps one store
 * per job it holds, opened with `leaseOwner`, so its writes are fenced (a write after another instance took the
 * job over fails with LeaseLostError and stops that store only): lib/onboarding/bulk/jobs.ts.
 */
export class DatabaseJobStore implements JobStore {
  private readonly jobRecords = new Map<string, JobRecord>();
  private readonly stateRecords = new Map<string, Map<number, DeviceState>>();
  private readonly inputRecords = new Map<string, Map<number, DeviceInput>>();
  private readonly pemRecords = new Map<string, Map<number, string>>();
  private queue: JobCommit[] = [];
  private writing: Promise<void> = Promise.resolve();
  /** Writes made so far, and how many of them are committed: a flush waits for its own writes only. */
  private made = 0;
  private committed = 0;
  /** The number of the last write of each device key (pruned once committed), and of the last job record write. */
  private readonly lastWriteOf = new Map<string, number>();
  private lastJobWrite = 0;
  /** `deferred` writes per device key, in order: queued just before that device's next write, or at flush/close. */
  private readonly deferred = new Map<string, JobCommit[]>();
  private waiters: { upTo: number; resolve: () => void }[] = [];
  private closed = false;
  private dropped = false;
  /** Why the store stopped, when a write failed. */
  failure: unknown;

  private constructor(
    private readonly repo: BulkJobsRepository,
    private readonly opts: StoreOptions,
  ) {}

  /** Loads every job (or the given ones) from the database. */
  static async open(
    repo: BulkJobsRepository,
    opts: StoreOptions & { jobIds?: string[] } = {},
  ): Promise<DatabaseJobStore> {
    const store = new DatabaseJobStore(repo, { leaseOwner: opts.leaseOwner, onFailure: opts.onFailure });
    const ids = opts.jobIds ?? (await repo.jobs()).map((j) => j.id);
    for (const id of ids) await store.reload(id);
    return store;
  }

  /** Reads one job again from the database (e.g. one this instance just took over). */
  async reload(jobId: string): Promise<void> {
    await this.flush();
    const job = await this.repo.job(jobId);
    if (!job) {
      this.jobRecords.delete(jobId);
      return;
    }
    const states = new Map<number, DeviceState>();
    const inputs = new Map<number, DeviceInput>();
    const pems = new Map<number, string>();
    for (const d of await this.repo.devices(jobId)) {
      states.set(d.state.index, d.state);
      inputs.set(d.state.index, d.input);
      if (d.certificatePem) pems.set(d.state.index, d.certificatePem);
    }
    this.jobRecords.set(jobId, job);
    this.stateRecords.set(jobId, states);
    this.inputRecords.set(jobId, inputs);
    this.pemRecords.set(jobId, pems);
  }

  commit(puts: JobCommit, opts: WriteOptions = {}): void {
    if (this.closed) throw new StoreClosedError();
    let any = false;
    for (const [id, job] of puts.jobs ?? []) {
      any = true;
      if (job) this.jobRecords.set(id, job);
      else this.jobRecords.delete(id);
    }
    const apply = <T>(maps: Map<string, Map<number, T>>, list: [string, T | undefined][] | undefined) => {
      for (const [key, value] of list ?? []) {
        any = true;
        const { jobId, index } = parseDeviceKey(key);
        let m = maps.get(jobId);
        if (!m) maps.set(jobId, (m = new Map()));
        if (value === undefined) m.delete(index);
        else m.set(index, value);
      }
    };
    apply(this.inputRecords, puts.inputs);
    apply(this.stateRecords, puts.states);
    apply(this.pemRecords, puts.pems);
    if (!any) return;
    const keys = deviceKeysOf(puts);
    if (opts.deferred && !puts.jobs?.length && keys.size === 1) {
      const [key] = keys as Set<string>;
      const waiting = this.deferred.get(key!);
      if (waiting) waiting.push(puts);
      else this.deferred.set(key!, [puts]);
      return;
    }
    for (const key of keys) this.queueDeferred(key);
    this.enqueue(puts);
  }

  private enqueue(puts: JobCommit): void {
    this.queue.push(puts);
    this.made++;
    if (puts.jobs?.length) this.lastJobWrite = this.made;
    for (const key of deviceKeysOf(puts)) this.lastWriteOf.set(key, this.made);
    // The drain starts after this turn of the event loop (setImmediate), so the writes of every device whose
    // AWS call answered in the same turn go into one transaction.
    if (this.queue.length === 1)
      this.writing = this.writing.then(() => new Promise(setImmediate)).then(() => this.drain());
  }

  /** Queues the device's deferred writes (all of them without a key), in the order they were made. */
  private queueDeferred(key?: string): void {
    if (this.failure || this.dropped) return;
    for (const k of key === undefined ? [...this.deferred.keys()] : [key]) {
      for (const puts of this.deferred.get(k) ?? []) this.enqueue(puts);
      this.deferred.delete(k);
    }
  }

  putJob(job: JobRecord): void {
    this.commit({ jobs: [[job.id, job]] });
  }

  putState(state: DeviceState, opts?: WriteOptions): void {
    this.commit({ states: [[deviceKey(state.jobId, state.index), state]] }, opts);
  }

  job(id: string): JobRecord | undefined {
    return this.jobRecords.get(id);
  }

  jobs(): JobRecord[] {
    return [...this.jobRecords.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  states(jobId: string): DeviceState[] {
    return [...(this.stateRecords.get(jobId)?.values() ?? [])].sort((a, b) => a.index - b.index);
  }

  state(jobId: string, index: number): DeviceState | undefined {
    return this.stateRecords.get(jobId)?.get(index);
  }

  input(jobId: string, index: number): DeviceInput | undefined {
    return this.inputRecords.get(jobId)?.get(index);
  }

  certificatePem(jobId: string, index: number): string | undefined {
    return this.pemRecords.get(jobId)?.get(index);
  }

  async knownCertificateIds(since: number): Promise<Set<string>> {
    await this.flush();
    return this.repo.knownCertificateIds(since);
  }

  /**
   * Resolves when every write made so far is in the database (not waiting for writes made after this call);
   * rejects with the failure if one failed.
   */
  flush(): Promise<void> {
    this.queueDeferred();
    return this.committedUpTo(this.made);
  }

  /**
   * Before an AWS call for the device `deviceKey`: its writes so far and the job records' are committed (but
   * those `deferred`, which need not be), and the store is still open. Without a key (a job-wide call) every
   * write so far is. Else it throws, and the call must not be made (a store that was closed or crashed may have
   * dropped the record of that call).
   */
  async ready(deviceKey?: string): Promise<void> {
    const upTo =
      deviceKey === undefined ? this.made : Math.max(this.lastJobWrite, this.lastWriteOf.get(deviceKey) ?? 0);
    await this.committedUpTo(upTo);
    if (this.closed) throw new StoreClosedError();
  }

  private async committedUpTo(upTo: number): Promise<void> {
    if (this.committed < upTo && !this.failure && !this.dropped)
      await new Promise<void>((resolve) => this.waiters.push({ upTo, resolve }));
    if (this.failure) throw this.failure;
  }

  /**
   * Resolves once no commit is in progress. After a crash the commit it caught half-way may still land (the
   * database has the statement); whoever reads the job next waits for this, as a dead process writes nothing later.
   */
  settled(): Promise<void> {
    return this.writing.catch(() => undefined);
  }

  /** No more writes; what was written is still committed (await `flush()` for it). */
  close(): void {
    if (!this.closed) this.queueDeferred();
    this.closed = true;
  }

  /** Stops at once, as a crash would: writes not yet committed are dropped. For tests. */
  crash(): void {
    this.closed = true;
    this.dropped = true;
    this.queue = [];
    this.deferred.clear();
    this.wake(true);
  }

  get isClosed() {
    return this.closed;
  }

  /** Commits the queue in batches (every write queued meanwhile goes into the next transaction). */
  private async drain(): Promise<void> {
    while (this.queue.length) {
      const upTo = this.made;
      const batch = merge(this.queue);
      this.queue = [];
      try {
        await this.repo.commit(batch, { leaseOwner: this.opts.leaseOwner });
        this.committed = upTo;
        this.wake();
        // Only the numbers of writes still uncommitted matter; pruned in bulk, so the cost per write stays flat.
        if (this.lastWriteOf.size > 1024)
          for (const [key, n] of this.lastWriteOf) if (n <= this.committed) this.lastWriteOf.delete(key);
      } catch (err) {
        this.failure = err;
        this.closed = true;
        this.queue = [];
        this.wake(true);
        this.opts.onFailure?.(err);
        return;
      }
    }
  }

  /** Lets go the flushes whose writes are committed (all of them once nothing more will be). */
  private wake(all = false): void {
    this.waiters = this.waiters.filter((w) => {
      if (!all && w.upTo > this.committed) return true;
      w.resolve();
      return false;
    });
  }
}

interface StoreOptions {
  /** Fences every write: the jobs written must be leased by this owner (else LeaseLostError stops the store). */
  leaseOwner?: string | undefined;
  /** Told once when a write fails and the store stops (the lease was lost, or the database is gone). */
  onFailure?: ((err: unknown) => void) | undefined;
}

/** The device keys a commit writes (states, inputs, PEMs). */
function deviceKeysOf(puts: JobCommit): Set<string> {
  const keys = new Set<string>();
  for (const list of [puts.inputs, puts.states, puts.pems]) for (const [key] of list ?? []) keys.add(key);
  return keys;
}

/** Several commits as one: the last value of each record wins, in the order the records were first written. */
function merge(commits: JobCommit[]): JobCommit {
  const out: { [K in keyof JobCommit]-?: Map<string, unknown> } = {
    jobs: new Map(),
    inputs: new Map(),
    states: new Map(),
    pems: new Map(),
  };
  for (const c of commits)
    for (const name of Object.keys(out) as (keyof JobCommit)[])
      for (const [key, value] of c[name] ?? []) out[name].set(key, value);
  return Object.fromEntries(
    Object.entries(out)
      .filter(([, m]) => m.size)
      .map(([name, m]) => [name, [...m]]),
  ) as JobCommit;
}
