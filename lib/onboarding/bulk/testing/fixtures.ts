/**
 * Helpers for the job runner's integration tests and the bulk bench: CSRs made the way the browser makes them
 * (WebCrypto EC P-256), device inputs, and the job's AWS calls on a client pointed at an emulator.
 */
import { createIotClient } from '../../../aws/client';
import { generateDeviceKeys } from '../../../pki/browser-keys';
import { type OnboardingAws, onboardingAws } from '../../aws';
import type { DeviceInput } from '../types';

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

/** The job's AWS calls on a client of its own pointed at an emulator, the SDK's retries off (as the server's). */
export function emulatorOps(url: string, region = 'us-east-1'): OnboardingAws {
  return onboardingAws(
    createIotClient(
      {
        mode: 'local',
        region,
        controlEndpoint: url,
        dataEndpoint: url,
        credentials: { accessKeyId: 'AKIDJOBSTEST', secretAccessKey: 'jobs-test-secret' },
      },
      { maxAttempts: 1 },
    ),
  );
}

export const ALLOW_ALL_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }],
});
