import { rm } from 'node:fs/promises';

import { takeStack } from './stack';

/** Stops exactly what global setup started: its `next start` child (by handle) and its emulator. */
export async function stopStack(): Promise<void> {
  const stack = takeStack();
  if (!stack) return;
  await stack.next?.stop();
  await stack.emulator?.close();
  if (stack.dataDir) await rm(stack.dataDir, { recursive: true, force: true });
}

export default async function globalTeardown(): Promise<void> {
  await stopStack();
}
