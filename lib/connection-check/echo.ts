import 'server-only';

import { getShadow, updateDesired } from '@/lib/aws/shadows';

/**
 * The connection check's round trip through the device: the dashboard asks the device to echo a nonce
 * (desired.check on the classic shadow) and reads whether it did (reported.check).
 */

/** Asks the device to echo a nonce: desired.check = nonce on the classic shadow (UpdateThingShadow). */
export async function requestCheckEcho(thingName: string, nonce: string): Promise<void> {
  await updateDesired({ thingName, desired: { check: nonce } });
}

/** reported.check of the classic shadow, or undefined (no shadow, or no such field). */
export async function reportedCheck(thingName: string): Promise<string | undefined> {
  const found = await getShadow({ thingName });
  const check = found.exists ? found.shadow.state.reported?.check : undefined;
  return typeof check === 'string' ? check : undefined;
}
