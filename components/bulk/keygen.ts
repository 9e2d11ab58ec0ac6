import type { KeygenResponse, MadeCsr } from '@/lib/onboarding/bulk/keygen-worker';

/**
 * Runs the key worker (lib/onboarding/bulk/keygen-worker.ts) for a job: every key is stored in this browser's key
 * vault as it is made, and the CSRs come back here in list order. On the main thread when a worker cannot start.
 */
export function makeKeys(
  jobId: string,
  names: string[],
  onProgress: (done: number) => void,
): { promise: Promise<MadeCsr[]>; cancel: () => void } {
  const out: MadeCsr[] = new Array(names.length);
  let done = 0;
  const take = (from: number, csrs: MadeCsr[]) => {
    csrs.forEach((c, i) => (out[from + i] = c));
    onProgress((done += csrs.length));
  };
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
    const promise = import('@/lib/onboarding/bulk/keygen-worker').then(async (m) => {
      await m.generateKeyBatch(jobId, names, take);
      return out;
    });
    return { promise, cancel: () => {} };
  }
  const w = worker;
  const promise = new Promise<MadeCsr[]>((resolve, reject) => {
    w.onmessage = (e: MessageEvent<KeygenResponse>) => {
      const m = e.data;
      if (m.type === 'csrs') take(m.from, m.csrs);
      else if (m.type === 'done') {
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
    w.postMessage({ type: 'generate', jobId, names });
  });
  return { promise, cancel: () => w.terminate() };
}
