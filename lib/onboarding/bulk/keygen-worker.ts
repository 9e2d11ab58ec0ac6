/**
 * Key pairs and CSRs for a bulk job, made in a Web Worker so the page stays responsive: EC P-256 with the
 * browser's WebCrypto (lib/pki/browser-keys), a few at a time. Each private key is stored in this browser's key
 * vault (key-vault.ts: IndexedDB, encrypted) the moment it is made, and only then is its CSR handed back: the page
 * never holds the private keys, and a tab closed half-way keeps every key made so far. This worker makes no
 * request. `generateKeyBatch` is the same work on the main thread when a worker cannot start.
 */
import { generateDeviceKeys } from '../../pki/browser-keys';
import { storeKey } from './key-vault';

export interface MadeCsr {
  thingName: string;
  csrPem: string;
}

export type KeygenRequest = { type: 'generate'; jobId: string; names: string[] };
export type KeygenResponse =
  | { type: 'csrs'; from: number; csrs: MadeCsr[] }
  | { type: 'done'; count: number; ms: number }
  | { type: 'error'; message: string };

const BATCH = 50;
const PARALLEL = 8;

/**
 * Makes and stores a key for every name, `PARALLEL` at a time, handing the CSRs over in list order in batches of
 * `BATCH`: a CSR is handed over only once its key is committed to the vault.
 */
export async function generateKeyBatch(
  jobId: string,
  names: string[],
  onBatch: (from: number, csrs: MadeCsr[]) => void,
): Promise<void> {
  for (let from = 0; from < names.length; from += BATCH) {
    const slice = names.slice(from, from + BATCH);
    const csrs: MadeCsr[] = new Array(slice.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, slice.length) }, async () => {
        while (next < slice.length) {
          const i = next++;
          const thingName = slice[i]!;
          const k = await generateDeviceKeys(thingName, 'EC');
          await storeKey(jobId, thingName, { privateKeyPem: k.privateKeyPem, publicKeyPem: k.publicKeyPem });
          csrs[i] = { thingName, csrPem: k.csrPem };
        }
      }),
    );
    onBatch(from, csrs);
  }
}

declare const WorkerGlobalScope: { new (): unknown } | undefined;
const inWorker =
  typeof WorkerGlobalScope !== 'undefined' && typeof self !== 'undefined' && self instanceof WorkerGlobalScope;

if (inWorker) {
  const scope = self as unknown as {
    onmessage: ((e: MessageEvent<KeygenRequest>) => void) | null;
    postMessage(message: KeygenResponse): void;
  };
  scope.onmessage = (e) => {
    if (e.data?.type !== 'generate') return;
    const { jobId, names } = e.data;
    const t0 = performance.now();
    generateKeyBatch(jobId, names, (from, csrs) => scope.postMessage({ type: 'csrs', from, csrs }))
      .then(() => scope.postMessage({ type: 'done', count: names.length, ms: performance.now() - t0 }))
      .catch((err: unknown) =>
        scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
      );
  };
}
