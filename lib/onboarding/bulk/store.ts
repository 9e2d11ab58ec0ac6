import type { DeviceInput, DeviceState, JobRecord } from './types';

/**
 * Where bulk jobs live, as the runner sees them: `jobs` (one record per job), `inputs` (what the operator asked
 * for per device, written once), `states` (each device's progress, rewritten before and after every AWS call),
 * `pems` (each device's certificate PEM, written once, with the certificate id). Records are replaced whole,
 * never mutated. Reads and writes are synchronous (the runner's scheduling depends on it); a store makes its
 * writes durable in order, and every AWS call of the runner waits until its device's writes (and the job's) before
 * it are durable (lib/db/job-store.ts: DatabaseJobStore.ready, through the runner's `beforeCall`), except writes
 * marked `deferred`: a resume starts from what was recorded and checks every call that record leaves open
 * (lib/onboarding/bulk/reconcile.ts).
 */
export interface JobRecords {
  jobs: JobRecord;
  inputs: DeviceInput;
  states: DeviceState;
  pems: string;
}

/** Rows to write in one transaction; a value of undefined deletes the row. */
export type JobCommit = { [N in keyof JobRecords]?: [key: string, value: JobRecords[N] | undefined][] };

export interface WriteOptions {
  /**
   * A device's record that a resume can do without: an earlier durable write (its first in-flight record of the
   * pass) already makes a resume ask AWS about every step from there on (lib/onboarding/bulk/device.ts). It is
   * visible at once, and becomes durable with the same device's next write (records are rewritten whole, so that
   * write carries it) or when the store is flushed or closed; no AWS call waits for it.
   */
  deferred?: boolean;
}

/** The store's public surface: what the runner (and its device, rollback and reconcile steps) call. */
export interface JobStore {
  /** Writes one transaction: visible at once, durable in order. Throws StoreClosedError once closed. */
  commit(puts: JobCommit, opts?: WriteOptions): void;
  putJob(job: JobRecord): void;
  putState(state: DeviceState, opts?: WriteOptions): void;
  job(id: string): JobRecord | undefined;
  /** Newest first. */
  jobs(): JobRecord[];
  /** Every device's state in the job, in list order. */
  states(jobId: string): DeviceState[];
  state(jobId: string, index: number): DeviceState | undefined;
  input(jobId: string, index: number): DeviceInput | undefined;
  certificatePem(jobId: string, index: number): string | undefined;
  /**
   * Certificate ids that a device of any job (not only the ones this store holds) has recorded and that may
   * have been made at or after `since` (ms): a resumed job looking for a certificate it may have made skips them.
   */
  knownCertificateIds(since: number): Promise<Set<string>>;
  /** Closes the store cleanly: writes already made still become durable; later writes throw StoreClosedError. */
  close(): void;
  /** Stops all writes at once, as a crash would (what is not yet durable is dropped): for tests. */
  crash(): void;
  readonly isClosed: boolean;
}

/** A device's key in every collection: `<jobId>/<000042>` (its position in the job's list). */
export const deviceKey = (jobId: string, index: number) => `${jobId}/${String(index).padStart(6, '0')}`;

export function parseDeviceKey(key: string): { jobId: string; index: number } {
  const slash = key.lastIndexOf('/');
  const index = Number(key.slice(slash + 1));
  if (slash <= 0 || !Number.isInteger(index) || index < 0) throw new Error(`Not a device key: ${key}`);
  return { jobId: key.slice(0, slash), index };
}

export class StoreClosedError extends Error {
  constructor() {
    super('The job store is closed.');
    this.name = 'StoreClosedError';
  }
}
