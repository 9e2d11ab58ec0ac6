import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createEmulator, type Emulator, type EmulatorOptions } from '../emulator/index';
import { signSession } from '../lib/auth/token';
import { ADMIN_TOKEN_FILE_ENV, ADMIN_TOKEN_FILE_NAME } from '../lib/local/emulator-admin';
import { buildNext, getFreePort, isBuildStale, startNext, type NextServer } from './next-app';

/**
 * A whole local stack for scripts that measure or picture the dashboard: an emulator on free ports with a
 * temporary data dir, the production build (built when stale), `next start` pointed at the emulator with
 * throwaway credentials, and a signed session cookie so a browser or fetch starts signed in.
 */
export interface DashboardStack {
  emulator: Emulator;
  next: NextServer;
  dataDir: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The session cookie's name and a value valid for an hour. */
  session: { name: string; value: string };
  close(): Promise<void>;
}

export const SESSION_COOKIE_NAME = 'iot_dashboard_session';

export async function startDashboardStack(
  opts: { emulator?: EmulatorOptions; beforeNext?: (emulator: Emulator) => Promise<void> } = {},
): Promise<DashboardStack> {
  if (isBuildStale()) {
    console.log('[stack] next build ...');
    await buildNext();
  }
  const credentials = { accessKeyId: 'AKIASTACKTHROWAWAY00', secretAccessKey: 'stack-throwaway-secret' };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-stack-'));
  const emulator = await createEmulator({ httpPort: 0, mqttPort: 0, dataDir, credentials, ...opts.emulator });
  let next: NextServer | undefined;
  try {
    await opts.beforeNext?.(emulator);
    const sessionSecret = randomBytes(32).toString('base64url');
    next = await startNext({
      port: await getFreePort(),
      stdio: 'pipe',
      env: {
        IOT_MODE: 'local',
        AWS_REGION: emulator.config.region,
        AWS_ENDPOINT_URL_IOT: emulator.urls.http,
        AWS_ENDPOINT_URL_IOT_DATA_PLANE: emulator.urls.http,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        DASHBOARD_USER: 'admin',
        DASHBOARD_PASSWORD: randomBytes(12).toString('base64url'),
        SESSION_SECRET: sessionSecret,
        DASHBOARD_DATA_DIR: path.join(dataDir, 'dashboard'),
        [ADMIN_TOKEN_FILE_ENV]: path.join(dataDir, ADMIN_TOKEN_FILE_NAME),
      },
    });
    const started = next;
    return {
      emulator,
      next: started,
      dataDir,
      credentials,
      session: {
        name: SESSION_COOKIE_NAME,
        value: signSession({ u: 'admin', exp: Math.floor(Date.now() / 1000) + 3600 }, sessionSecret),
      },
      async close() {
        await started.stop();
        await emulator.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await next?.stop();
    await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
