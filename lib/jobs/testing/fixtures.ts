/**
 * Helpers for the job runner's integration tests and the bulk bench: CSRs made the way the browser makes them
 * (WebCrypto EC P-256), device inputs, and the job's AWS calls on a client pointed at an emulator.
 */
import { bulkIotOps, newBulkClient } from '../../aws/bulk';
import { generateDeviceKeys } from '../../pki/browser-keys';
import type { DeviceInput, JobAws } from '../types';

export async function makeInputs(
  prefix: string,
  count: number,
  extra: Partial<DeviceInput> = {},
  concurrency = 8,
): Promise<DeviceInput[]> {
  const out: DeviceInput[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const thingName = `${prefix}-${String(i).padStart(4, '0')}`;
        const keys = await generateDeviceKeys(thingName, 'EC');
        out[i] = { thingName, attributes: { batch: prefix.slice(0, 40) }, csrPem: keys.csrPem, ...extra };
      }
    }),
  );
  return out;
}

export function emulatorOps(url: string, region = 'us-east-1'): JobAws {
  return bulkIotOps(
    newBulkClient({
      endpoint: url,
      region,
      credentials: { accessKeyId: 'AKIDJOBSTEST', secretAccessKey: 'jobs-test-secret' },
    }),
  );
}

export const ALLOW_ALL_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }],
});
