import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createEmulator, type Emulator, type EmulatorOptions } from '../emulator/index';
import { ADMIN_TOKEN_FILE_ENV, ADMIN_TOKEN_FILE_NAME } from '../lib/local/emulator-admin';
import { buildNext, getFreePort, isBuildStale, startNext, type NextServer } from './next-app';

/**
 * A whole local stack for scripts that measure or picture the dashboard: an emulator on free ports with a
 * temporary data dir, the production build (built when stale), `next start` pointed at the emulator with
 * throwaway credentials, and a session of the first admin (signed in through better-auth's HTTP endpoint) so a
 * browser or fetch starts signed in.
 */
export interface DashboardStack {
  emulator: Emulator;
  next: NextServer;
  dataDir: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The admin's session cookie: its name and value. */
  session: { name: string; value: string };
  close(): Promise<void>;
}

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
    const password = randomBytes(18).toString('base64url');
    const port = await getFreePort();
    next = await startNext({
      port,
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
        DASHBOARD_URL: `http://127.0.0.1:${port}`,
        DASHBOARD_ADMIN_PASSWORD: password,
        BETTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
        DASHBOARD_DATA_DIR: path.join(dataDir, 'dashboard'),
        [ADMIN_TOKEN_FILE_ENV]: path.join(dataDir, ADMIN_TOKEN_FILE_NAME),
      },
    });
    const started = next;
    const session = await signIn(started.url, 'admin', password);
    return {
      emulator,
      next: started,
      dataDir,
      credentials,
      session,
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

/** Signs in through better-auth's endpoint (POST /api/auth/sign-in/username) and returns the session cookie. */
export async function signIn(
  baseUrl: string,
  username: string,
  password: string,
): Promise<{ name: string; value: string }> {
  const res = await fetch(`${baseUrl}/api/auth/sign-in/username`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`sign-in as ${username} failed: ${res.status} ${await res.text()}`);
  for (const cookie of res.headers.getSetCookie()) {
    const [pair] = cookie.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq);
    if (/(^|\.)session_token$/.test(name)) return { name, value: pair!.slice(eq + 1) };
  }
  throw new Error(`sign-in as ${username} set no session cookie`);
}
