import type { KeygenResponse, MadeKeys } from '@/lib/onboarding/bulk/keygen-worker';

/** Runs the key worker (lib/onboarding/bulk/keygen-worker.ts); on the main thread when a worker cannot start. */
export function makeKeys(
  names: string[],
  onProgress: (done: number) => void,
): { promise: Promise<MadeKeys[]>; cancel: () => void } {
  const out: MadeKeys[] = new Array(names.length);
  let worker: Worker | undefined;
  try {
    worker = new Worker(new URL('../../lib/onboarding/bulk/keygen-worker.ts', import.meta.url), {
      type: 'module',
      name: 'bulk-keygen',
    });
  } catch {
    worker = undefined;
  }
  if (!worker) {
    let done = 0;
    const promise = import('@/lib/onboarding/bulk/keygen-worker').then(async (m) => {
      await m.generateKeyBatch(names, (from, keys) => {
        keys.forEach((k, i) => (out[from + i] = k));
        onProgress((done += keys.length));
      });
      return out;
    });
    return { promise, cancel: () => {} };
  }
  const w = worker;
  let done = 0;
  const promise = new Promise<MadeKeys[]>((resolve, reject) => {
    w.onmessage = (e: MessageEvent<KeygenResponse>) => {
      const m = e.data;
      if (m.type === 'keys') {
        m.keys.forEach((k, i) => (out[m.from + i] = k));
        onProgress((done += m.keys.length));
      } else if (m.type === 'done') {
        w.terminate();
        resolve(out);
      } else {
        w.terminate();
        reject(new Error(m.message));
      }
    };
    w.onerror = (e) => {
      w.terminate();
      reject(new Error(e.message || 'The key worker failed.'));
    };
    w.postMessage({ type: 'generate', names });
  });
  return { promise, cancel: () => w.terminate() };
}
