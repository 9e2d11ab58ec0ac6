/**
 * The private keys of bulk jobs, kept in this browser until the operator confirms the bundle holding them was
 * saved: never sent anywhere (the server sees CSRs only), and no longer only in a tab's memory, so a reload, a
 * crash or a tab closed mid-job loses nothing. Runs in the page and in the key worker (IndexedDB and WebCrypto
 * are in both).
 *
 * - Each key is written the moment it is made (the worker stores it before its CSR is handed back), encrypted
 *   with AES-GCM under one key per job. That job key is a non-extractable WebCrypto key stored in IndexedDB as a
 *   CryptoKey (structured clone keeps it non-extractable): no script can read its bytes out, and deleting it
 *   makes anything left of the job's records unreadable.
 * - Each record is bound to its job and thing (AES-GCM additional data), so records cannot be swapped unnoticed.
 * - Keys leave the vault only when the operator confirms that the zip holding them was saved (`confirmSaved`), or
 *   discards keys no certificate was made for (`forgetKeys`). Until then the job page offers the zip again.
 */

export interface HeldKey {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** What the job page shows: whose keys this browser holds, and what was downloaded and confirmed. */
export interface Custody {
  /** Thing names whose keys are held here now. */
  held: string[];
  /** The last zip built with keys: when, and whose keys it held. Cleared by a confirmation. */
  lastDownload?: { at: number; thingNames: string[] };
  /** Keys confirmed saved (and deleted from this browser), over every confirmation. */
  savedCount: number;
  lastSavedAt?: number;
}

interface JobEntry {
  jobId: string;
  createdAt: number;
  /** AES-GCM 256, non-extractable; removed with the job's last key. */
  cryptoKey?: CryptoKey;
  lastDownload?: { at: number; thingNames: string[] };
  savedCount: number;
  lastSavedAt?: number;
}

interface KeyEntry {
  jobId: string;
  thingName: string;
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

const DB_NAME = 'iot-dashboard-bulk-keys';
const DB_VERSION = 1;
const JOBS = 'jobs';
const KEYS = 'keys';
const BY_JOB = 'by-job';

export class KeyVaultError extends Error {}

let opened: Promise<IDBDatabase> | undefined;

function db(): Promise<IDBDatabase> {
  opened ??= new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new KeyVaultError('This browser has no IndexedDB storage, so it cannot keep the keys safely.'));
      return;
    }
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const d = req.result;
      if (!d.objectStoreNames.contains(JOBS)) d.createObjectStore(JOBS, { keyPath: 'jobId' });
      if (!d.objectStoreNames.contains(KEYS))
        d.createObjectStore(KEYS, { keyPath: ['jobId', 'thingName'] }).createIndex(BY_JOB, 'jobId');
    };
    req.onsuccess = () => {
      // Another tab upgrading the schema asks this one to let go.
      req.result.onversionchange = () => {
        req.result.close();
        opened = undefined;
      };
      resolve(req.result);
    };
    req.onerror = () =>
      reject(
        new KeyVaultError(`This browser's storage could not be opened: ${req.error?.message ?? 'unknown error'}.`),
      );
    req.onblocked = () => reject(new KeyVaultError('Close the dashboard’s other tabs and try again.'));
  });
  opened.catch(() => (opened = undefined));
  return opened;
}

/** One transaction; resolves with `body`'s result once the transaction has committed (the data is on disk). */
async function tx<T>(
  stores: string[],
  mode: IDBTransactionMode,
  body: (t: IDBTransaction) => Promise<T> | T,
): Promise<T> {
  const t = (await db()).transaction(stores, mode, { durability: 'strict' });
  const done = new Promise<void>((resolve, reject) => {
    t.oncomplete = () => resolve();
    t.onabort = () => reject(new KeyVaultError(`Storing in this browser failed: ${t.error?.message ?? 'aborted'}.`));
  });
  let result: T;
  try {
    result = await body(t);
  } catch (err) {
    done.catch(() => undefined);
    try {
      t.abort();
    } catch {
      // Already finished.
    }
    throw err;
  }
  await done;
  return result;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const boundTo = (jobId: string, thingName: string) => encoder.encode(`${jobId}/${thingName}`);

/** Whether this browser can hold keys (IndexedDB opens); asks it to keep the storage through storage pressure. */
export async function vaultAvailable(): Promise<boolean> {
  try {
    await db();
    // Best effort: persistent storage is not evicted when the disk runs low.
    await navigator.storage?.persist?.().catch(() => false);
    return true;
  } catch {
    return false;
  }
}

/** Makes the job's encryption key (once); keys can be stored for the job from then on. */
export async function startJobKeys(jobId: string): Promise<void> {
  const cryptoKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  await tx([JOBS], 'readwrite', async (t) => {
    const store = t.objectStore(JOBS);
    const existing = (await request(store.get(jobId))) as JobEntry | undefined;
    if (existing?.cryptoKey) return;
    const entry: JobEntry = { jobId, createdAt: Date.now(), savedCount: 0, ...existing, cryptoKey };
    store.put(entry);
  });
}

async function jobEntry(jobId: string): Promise<JobEntry | undefined> {
  return tx([JOBS], 'readonly', (t) => request(t.objectStore(JOBS).get(jobId))) as Promise<JobEntry | undefined>;
}

/** Encrypts and stores one device's key; resolves once it is committed to this browser's storage. */
export async function storeKey(jobId: string, thingName: string, key: HeldKey): Promise<void> {
  const job = await jobEntry(jobId);
  if (!job?.cryptoKey) throw new KeyVaultError('The job’s key store was not set up in this browser.');
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: boundTo(jobId, thingName) },
    job.cryptoKey,
    encoder.encode(JSON.stringify(key)),
  );
  const entry: KeyEntry = { jobId, thingName, iv, data };
  await tx([KEYS], 'readwrite', (t) => {
    t.objectStore(KEYS).put(entry);
  });
}

async function heldNames(t: IDBTransaction, jobId: string): Promise<string[]> {
  const keys = await request(t.objectStore(KEYS).index(BY_JOB).getAllKeys(IDBKeyRange.only(jobId)));
  return keys.map((k) => (k as [string, string])[1]);
}

/** What this browser holds for the job; undefined when it never held any of its keys. */
export async function custodyOf(jobId: string): Promise<Custody | undefined> {
  return tx([JOBS, KEYS], 'readonly', async (t) => {
    const job = (await request(t.objectStore(JOBS).get(jobId))) as JobEntry | undefined;
    if (!job) return undefined;
    const custody: Custody = { held: await heldNames(t, jobId), savedCount: job.savedCount };
    if (job.lastDownload) custody.lastDownload = job.lastDownload;
    if (job.lastSavedAt !== undefined) custody.lastSavedAt = job.lastSavedAt;
    return custody;
  });
}

/** Every key held for the job, decrypted, by thing name. */
export async function readKeys(jobId: string): Promise<Map<string, HeldKey>> {
  const job = await jobEntry(jobId);
  const out = new Map<string, HeldKey>();
  if (!job?.cryptoKey) return out;
  const entries = (await tx([KEYS], 'readonly', (t) =>
    request(t.objectStore(KEYS).index(BY_JOB).getAll(IDBKeyRange.only(jobId))),
  )) as KeyEntry[];
  for (const e of entries) {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: e.iv, additionalData: boundTo(jobId, e.thingName) },
        job.cryptoKey,
        e.data,
      );
      out.set(e.thingName, JSON.parse(decoder.decode(plain)) as HeldKey);
    } catch {
      throw new KeyVaultError(
        `The stored key of ${e.thingName} could not be decrypted: this browser's storage was altered.`,
      );
    }
  }
  return out;
}

/** Records that a zip holding these things' keys was built and handed to the browser to save. */
export async function noteDownload(jobId: string, thingNames: string[]): Promise<void> {
  await updateJob(jobId, (job) => {
    job.lastDownload = { at: Date.now(), thingNames };
  });
}

async function updateJob(jobId: string, change: (job: JobEntry) => void): Promise<void> {
  await tx([JOBS], 'readwrite', async (t) => {
    const store = t.objectStore(JOBS);
    const job = (await request(store.get(jobId))) as JobEntry | undefined;
    if (!job) return;
    change(job);
    store.put(job);
  });
}

/**
 * Deletes the named things' keys; with the last key of the job, its encryption key goes too. Returns how many
 * keys were deleted. For keys the operator has saved (confirmSaved) or no certificate was made for.
 */
export async function forgetKeys(jobId: string, thingNames: readonly string[]): Promise<number> {
  const wanted = new Set(thingNames);
  return tx([JOBS, KEYS], 'readwrite', async (t) => {
    const held = await heldNames(t, jobId);
    const gone = held.filter((n) => wanted.has(n));
    for (const name of gone) t.objectStore(KEYS).delete([jobId, name]);
    if (gone.length === held.length) {
      const jobs = t.objectStore(JOBS);
      const job = (await request(jobs.get(jobId))) as JobEntry | undefined;
      if (job) {
        delete job.cryptoKey;
        jobs.put(job);
      }
    }
    return gone.length;
  });
}

/** The operator saved the last zip: its keys are deleted from this browser. Returns how many. */
export async function confirmSaved(jobId: string): Promise<number> {
  const job = await jobEntry(jobId);
  const names = job?.lastDownload?.thingNames ?? [];
  if (!names.length) return 0;
  const n = await forgetKeys(jobId, names);
  await updateJob(jobId, (j) => {
    j.savedCount += n;
    j.lastSavedAt = Date.now();
    delete j.lastDownload;
  });
  return n;
}

/** Jobs this browser still holds keys for, newest first (the bulk page lists them). */
export async function jobsHoldingKeys(): Promise<{ jobId: string; held: number; createdAt: number }[]> {
  return tx([JOBS, KEYS], 'readonly', async (t) => {
    const jobs = (await request(t.objectStore(JOBS).getAll())) as JobEntry[];
    const out: { jobId: string; held: number; createdAt: number }[] = [];
    for (const job of jobs) {
      const held = await request(t.objectStore(KEYS).index(BY_JOB).count(IDBKeyRange.only(job.jobId)));
      if (held) out.push({ jobId: job.jobId, held, createdAt: job.createdAt });
    }
    return out.sort((a, b) => b.createdAt - a.createdAt);
  });
}
