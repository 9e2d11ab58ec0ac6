/**
 * Key pairs and CSRs for a bulk job, made in a Web Worker so the page stays responsive: EC P-256 with the
 * browser's WebCrypto (lib/pki/browser-keys), a few at a time, answered in batches. The private keys go back
 * to the page (which keeps them in memory for the zip) and nowhere else: this worker makes no request.
 * `generateKeyBatch` is the same work on the main thread when a worker cannot start, and in Node tests.
 */
import { generateDeviceKeys } from '../../pki/browser-keys';

export interface MadeKeys {
  thingName: string;
  privateKeyPem: string;
  publicKeyPem: string;
  csrPem: string;
}

export type KeygenRequest = { type: 'generate'; names: string[] };
export type KeygenResponse =
  | { type: 'keys'; from: number; keys: MadeKeys[] }
  | { type: 'done'; count: number; ms: number }
  | { type: 'error'; message: string };

const BATCH = 50;
const PARALLEL = 8;

/** Makes keys for every name, `PARALLEL` at a time, handing them over in list order in batches of `BATCH`. */
export async function generateKeyBatch(
  names: string[],
  onBatch: (from: number, keys: MadeKeys[]) => void,
): Promise<void> {
  for (let from = 0; from < names.length; from += BATCH) {
    const slice = names.slice(from, from + BATCH);
    const keys: MadeKeys[] = new Array(slice.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, slice.length) }, async () => {
        while (next < slice.length) {
          const i = next++;
          const k = await generateDeviceKeys(slice[i]!, 'EC');
          keys[i] = {
            thingName: slice[i]!,
            privateKeyPem: k.privateKeyPem,
            publicKeyPem: k.publicKeyPem,
            csrPem: k.csrPem,
          };
        }
      }),
    );
    onBatch(from, keys);
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
    const t0 = performance.now();
    generateKeyBatch(e.data.names, (from, keys) => scope.postMessage({ type: 'keys', from, keys }))
      .then(() => scope.postMessage({ type: 'done', count: e.data.names.length, ms: performance.now() - t0 }))
      .catch((err: unknown) =>
        scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
      );
  };
}
