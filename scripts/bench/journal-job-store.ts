import { Collection } from '../../lib/store/collection';
import { Journal, type Mutation, type Snapshot } from '../../lib/store/journal';
import {
  deviceKey,
  type JobCommit,
  type JobRecords,
  type JobStore,
  StoreClosedError,
} from '../../lib/onboarding/bulk/store';
import type { DeviceInput, DeviceState, JobRecord } from '../../lib/onboarding/bulk/types';

type Name = keyof JobRecords;

/**
 * The previous JobStore, kept for the bulk-stores bench only (it compares the database store with it): typed
 * collections in memory made durable by the same journal the emulator uses (a write(2) of each transaction
 * before the caller goes on, so a crash, SIGKILL included, loses nothing that was recorded; snapshots bound
 * replay time). Bulk jobs now live in the dashboard's database (lib/db/job-store.ts).
 */
export class JournalJobStore implements JobStore {
  private readonly c = {
    jobs: new Collection<JobRecord>(),
    inputs: new Collection<DeviceInput>(),
    states: new Collection<DeviceState>({ job: (d) => d.jobId }),
    pems: new Collection<string>(),
  };
  private journal: Journal | undefined;
  private closed = false;

  /** `dir` undefined keeps everything in memory (unit tests). */
  constructor(
    readonly dir: string | undefined,
    private readonly snapshotEvery = 5_000,
  ) {
    if (!dir) return;
    this.journal = Journal.open(dir, {
      snapshot: (s) => {
        for (const [name, rows] of Object.entries(s.collections)) {
          const coll = this.c[name as Name] as Collection<unknown> | undefined;
          for (const [k, v] of rows) coll?.apply(k, v);
        }
      },
      transaction: (m) => this.applyAll(m),
    });
  }

  /** Writes one transaction: journalled (write(2)) first, then visible. */
  commit(puts: JobCommit): void {
    if (this.closed) throw new StoreClosedError();
    const mutations: Mutation[] = [];
    for (const [name, rows] of Object.entries(puts) as [Name, [string, unknown][]][]) {
      for (const [key, value] of rows) mutations.push(value === undefined ? [name, key] : [name, key, value]);
    }
    if (!mutations.length) return;
    this.journal?.append(mutations);
    this.applyAll(mutations);
    if (this.journal && this.journal.pendingLines >= this.snapshotEvery) this.snapshot();
  }

  putJob(job: JobRecord): void {
    this.commit({ jobs: [[job.id, job]] });
  }

  putState(state: DeviceState): void {
    this.commit({ states: [[deviceKey(state.jobId, state.index), state]] });
  }

  job(id: string): JobRecord | undefined {
    return this.c.jobs.get(id);
  }

  jobs(): JobRecord[] {
    return [...this.c.jobs.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Every device's state in the job, in list order. */
  states(jobId: string): DeviceState[] {
    return this.c.states
      .keysBy('job', jobId)
      .sort()
      .map((k) => this.c.states.get(k)!);
  }

  state(jobId: string, index: number): DeviceState | undefined {
    return this.c.states.get(deviceKey(jobId, index));
  }

  input(jobId: string, index: number): DeviceInput | undefined {
    return this.c.inputs.get(deviceKey(jobId, index));
  }

  certificatePem(jobId: string, index: number): string | undefined {
    return this.c.pems.get(deviceKey(jobId, index));
  }

  async knownCertificateIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const s of this.c.states.values()) if (s.certificateId) ids.add(s.certificateId);
    return ids;
  }

  snapshot(): void {
    if (!this.journal) return;
    const collections: Snapshot['collections'] = {};
    for (const [name, coll] of Object.entries(this.c) as [string, Collection<unknown>][])
      collections[name] = [...coll.entries()];
    this.journal.writeSnapshot({ format: 1, collections });
  }

  /** Closes the journal (after a final snapshot). Writes after this throw StoreClosedError. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.journal) return;
    if (this.journal.pendingLines > 0) this.snapshot();
    this.journal.close();
  }

  /** Stops all writes at once, as a crash would (no snapshot, nothing more journalled): for tests. */
  crash(): void {
    this.closed = true;
    this.journal?.close();
  }

  get isClosed() {
    return this.closed;
  }

  private applyAll(mutations: Mutation[]) {
    for (const [name, key, value] of mutations)
      (this.c[name as Name] as Collection<unknown> | undefined)?.apply(key, value);
  }
}
