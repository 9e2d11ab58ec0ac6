import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IoTClient } from '@aws-sdk/client-iot';
import { adminAuthorization } from '../../lib/local/emulator-admin';
import { createEmulator, type Emulator, type EmulatorOptions } from '../index';

/** A fresh emulator on a random port with its own data directory, and a real SDK client pointed at it. */
export interface TestEmulator {
  emulator: Emulator;
  iot: IoTClient;
  url: string;
  dataDir: string;
  /** Calls an admin route under /_emulator/, with the admin token. */
  admin(method: string, route: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDEMULATORTEST', secretAccessKey: 'emulator-test-secret' };

export async function startTestEmulator(opts: EmulatorOptions = {}): Promise<TestEmulator> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'iot-emu-test-'));
  const emulator = await createEmulator({ httpPort: 0, mqttPort: 0, ...opts, dataDir });
  const url = emulator.urls.http;
  const iot = new IoTClient({
    endpoint: url,
    region: emulator.config.region,
    credentials: TEST_CREDENTIALS,
    // Tests assert on single answers; the SDK's own retries would hide injected faults.
    maxAttempts: 1,
  });
  return {
    emulator,
    iot,
    url,
    dataDir,
    admin: (method, route, body) =>
      fetch(`${url}/_emulator/${route}`, {
        method,
        headers: {
          ...adminAuthorization(emulator.adminToken),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    async close() {
      iot.destroy();
      await emulator.close();
      if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Points the dashboard's AWS layer (lib/aws reads its target from the environment) at this test emulator, as the
 * launcher does for `npm start`: local mode, its endpoint, region and the credentials it accepts. The test process
 * runs one dashboard, so this changes process.env for the rest of the file.
 */
export function pointDashboardAt(t: TestEmulator): void {
  Object.assign(process.env, {
    IOT_MODE: 'local',
    AWS_ENDPOINT_URL_IOT: t.url,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_REGION: t.emulator.config.region,
  });
}

/** Runs `fn`, expecting it to reject with an AWS error of the given name; returns that error. */
export async function expectAwsError(
  fn: () => Promise<unknown>,
  name: string,
  status?: number,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await fn();
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    if (e.name !== name) throw new Error(`expected ${name}, got ${e.name}: ${e.message}`);
    if (status !== undefined && e.$metadata?.httpStatusCode !== status) {
      throw new Error(`expected HTTP ${status} for ${name}, got ${e.$metadata?.httpStatusCode}`);
    }
    return e;
  }
  throw new Error(`expected ${name}, but the call succeeded`);
}
