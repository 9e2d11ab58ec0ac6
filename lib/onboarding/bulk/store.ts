import path from 'node:path';

import { Collection } from '../../store/collection';
import { Journal, type Mutation, type Snapshot } from '../../store/journal';
import type { DeviceInput, DeviceState, JobRecord } from './types';

/**
 * Where bulk jobs live. Collections: `jobs` (one record per job), `inputs` (what the operator asked for per
 * device, written once), `states` (each device's progress, rewritten before and after every AWS call),
 * `pems` (each device's certificate PEM, written once, with the certificate id). Records are replaced whole,
 * never mutated. A commit must be durable before it returns: the runner journals a call in flight before
 * making it, and resumes from exactly what was recorded.
 */
export interface JobRecords {
  jobs: JobRecord;
  inputs: DeviceInput;
  states: DeviceState;
  pems: string;
}
type Name = keyof JobRecords;

/** Rows to write in one transaction; a value of undefined deletes the row. */
export type JobCommit = { [N in Name]?: [key: string, value: JobRecords[N] | undefined][] };

export interface JobStore {
  /** Writes one transaction: durable first, then visible. Throws StoreClosedError once closed. */
  commit(puts: JobCommit): void;
  putJob(job: JobRecord): void;
  putState(state: DeviceState): void;
  job(id: string): JobRecord | undefined;
  /** Newest first. */
  jobs(): JobRecord[];
  /** Every device's state in the job, in list order. */
  states(jobId: string): DeviceState[];
  state(jobId: string, index: number): DeviceState | undefined;
  input(jobId: string, index: number): DeviceInput | undefined;
  certificatePem(jobId: string, index: number): string | undefined;
  /** Closes the store cleanly; writes after this throw StoreClosedError. */
  close(): void;
  /** Stops all writes at once, as a crash would (nothing more recorded): for tests. */
  crash(): void;
  readonly isClosed: boolean;
}

export const deviceKey = (jobId: string, index: number) => `${jobId}/${String(index).padStart(6, '0')}`;

export class StoreClosedError extends Error {
  constructor() {
    super('The job store is closed.');
    this.name = 'StoreClosedError';
  }
}

/**
 * The JobStore on local disk: typed collections in memory made durable by the same journal the emulator uses
 * (a write(2) of each transaction before the caller goes on, so a crash, SIGKILL included, loses nothing that
 * was recorded; snapshots bound replay time). Under `<DASHBOARD_DATA_DIR or .data/dashboard>/jobs`.
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

  static dirFor(env: Readonly<Record<string, string | undefined>> = process.env): string {
    return path.join(path.resolve(env.DASHBOARD_DATA_DIR || '.data/dashboard'), 'jobs');
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
