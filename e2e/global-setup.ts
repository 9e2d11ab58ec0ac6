import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { createEmulator } from '../emulator/index';
import { ADMIN_TOKEN_FILE_ENV, ADMIN_TOKEN_FILE_NAME } from '../lib/local/emulator-admin';
import { buildNext, getFreePort, isBuildStale, startNext } from '../scripts/next-app';
import { E2E_ENV, setStack, type E2eStack } from './stack';
import { stopStack } from './global-teardown';

const REGION = 'us-east-1';

/**
 * Builds the dashboard if needed, starts an emulator on a free port with a fresh data dir,
 * then `next start` on another free port pointed at it. Everything started is recorded on
 * the stack before the next step, so a failure half-way still gets cleaned up.
 */
export default async function globalSetup(): Promise<void> {
  // CI always builds from scratch; locally an up-to-date .next is reused (a build takes a while here).
  if (process.env.CI === 'true' || isBuildStale()) {
    console.log('[e2e] next build ...');
    await buildNext();
  }

  const stack: E2eStack = {};
  setStack(stack);
  try {
    stack.dataDir = await mkdtemp(path.join(os.tmpdir(), 'iot-e2e-'));
    stack.emulator = await createEmulator({
      httpPort: 0,
      mqttPort: 0,
      dataDir: stack.dataDir,
      // As scripts/start.ts: local mode has fleet indexing on.
      fleetIndexing: true,
      region: REGION,
      // The keys the dashboard below signs its MQTT WebSocket with (the emulator accepts only its own).
      credentials: { accessKeyId: 'AKIAE2ETESTS00000000', secretAccessKey: 'e2e-throwaway-secret' },
    });
    const emulatorUrl = stack.emulator.urls.http;
    const password = randomBytes(12).toString('base64url');
    const sessionSecret = randomBytes(32).toString('base64url');

    stack.next = await startNext({
      port: await getFreePort(),
      stdio: 'pipe',
      // The first start creates the dashboard's embedded database (initdb): slow on a busy machine.
      readyTimeoutMs: 180_000,
      env: {
        IOT_MODE: 'local',
        AWS_REGION: REGION,
        AWS_ENDPOINT_URL_IOT: emulatorUrl,
        AWS_ENDPOINT_URL_IOT_DATA_PLANE: emulatorUrl,
        AWS_ACCESS_KEY_ID: 'AKIAE2ETESTS00000000',
        AWS_SECRET_ACCESS_KEY: 'e2e-throwaway-secret',
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        DASHBOARD_USER: 'admin',
        DASHBOARD_PASSWORD: password,
        SESSION_SECRET: sessionSecret,
        DASHBOARD_DATA_DIR: path.join(stack.dataDir, 'dashboard'),
        // Where the dashboard reads the emulator's admin token (it lists connected clients at start).
        [ADMIN_TOKEN_FILE_ENV]: path.join(stack.dataDir, ADMIN_TOKEN_FILE_NAME),
      },
    });

    // The Next server's stdout/stderr, captured for specs that inspect it (e2e/no-private-keys.spec.ts).
    const nextLog = path.join(stack.dataDir, 'next-server.log');
    const logStream = createWriteStream(nextLog);
    stack.next.child.stdout?.pipe(logStream, { end: false });
    stack.next.child.stderr?.pipe(logStream, { end: false });
    process.env.E2E_NEXT_LOG = nextLog;

    process.env[E2E_ENV.baseUrl] = stack.next.url;
    process.env[E2E_ENV.emulatorUrl] = emulatorUrl;
    process.env[E2E_ENV.emulatorAdminToken] = stack.emulator.adminToken;
    process.env[E2E_ENV.region] = REGION;
    process.env[E2E_ENV.password] = password;
    process.env[E2E_ENV.sessionSecret] = sessionSecret;
    console.log(`[e2e] dashboard ${stack.next.url} -> emulator ${emulatorUrl}`);
  } catch (err) {
    await stopStack();
    throw err;
  }
}
