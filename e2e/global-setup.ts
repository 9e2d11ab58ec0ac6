import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { createEmulator } from '../emulator/index';
import { ADMIN_TOKEN_FILE_ENV, ADMIN_TOKEN_FILE_NAME } from '../lib/local/emulator-admin';
import { launchChromium } from '../scripts/chromium';
import { signIn } from '../scripts/dashboard-stack';
import { buildNext, getFreePort, isBuildStale, startNext } from '../scripts/next-app';
import { stopStack } from './global-teardown';
import { E2E_CLAIM_SECONDS, E2E_ENV, E2E_USERS, setStack, type E2eStack } from './stack';

const REGION = 'us-east-1';

/**
 * Builds the dashboard if needed, starts an emulator on a free port with a fresh data dir,
 * then `next start` on another free port pointed at it (its first admin from DASHBOARD_ADMIN_PASSWORD), and
 * adds an operator and a viewer through the Users page, as an admin would. Everything started is recorded on
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
      // Trusted-user claims live E2E_CLAIM_SECONDS here instead of AWS's five minutes, so a spec sees one expire.
      provisioningClaimSeconds: E2E_CLAIM_SECONDS,
      region: REGION,
      // The keys the dashboard below signs its MQTT WebSocket with (the emulator accepts only its own).
      credentials: { accessKeyId: 'AKIAE2ETESTS00000000', secretAccessKey: 'e2e-throwaway-secret' },
    });
    const emulatorUrl = stack.emulator.urls.http;
    const password = randomBytes(18).toString('base64url');
    const authSecret = randomBytes(32).toString('base64url');
    const port = await getFreePort();

    stack.next = await startNext({
      port,
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
        DASHBOARD_URL: `http://127.0.0.1:${port}`,
        DASHBOARD_ADMIN_PASSWORD: password,
        BETTER_AUTH_SECRET: authSecret,
        // The specs stand in for a proxy on this machine: an X-Forwarded-For they send names the client.
        DASHBOARD_TRUSTED_PROXIES: '127.0.0.1',
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
    process.env[E2E_ENV.authSecret] = authSecret;
    process.env[E2E_ENV.operatorPassword] = randomBytes(18).toString('base64url');
    process.env[E2E_ENV.viewerPassword] = randomBytes(18).toString('base64url');
    await addUsers(stack.next.url, password);
    console.log(`[e2e] dashboard ${stack.next.url} -> emulator ${emulatorUrl}`);
  } catch (err) {
    await stopStack();
    throw err;
  }
}

/** The operator and the viewer, added on the Users page by the admin, as a person would. */
async function addUsers(baseUrl: string, adminPassword: string): Promise<void> {
  const admin = await signIn(baseUrl, E2E_USERS.admin.username, adminPassword);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ baseURL: baseUrl });
    await context.addCookies([{ ...admin, url: baseUrl, httpOnly: true, sameSite: 'Lax' }]);
    const page = await context.newPage();
    for (const role of ['operator', 'viewer'] as const) {
      const user = E2E_USERS[role];
      await page.goto('/users');
      await page.waitForSelector('html[data-hydrated]', { state: 'attached', timeout: 30_000 });
      const form = page.getByRole('form', { name: 'Add a user' });
      await form.getByLabel('Name', { exact: true }).fill(`The ${role}`);
      await form.getByLabel('User name', { exact: true }).fill(user.username);
      await form.getByLabel('E-mail').fill(`${user.username}@example.com`);
      await form.getByLabel('Role').selectOption(role);
      await form.getByLabel('Initial password').fill(process.env[user.passwordEnv]!);
      await form.getByRole('button', { name: 'Add user' }).click();
      await page.getByText(`${user.username} can sign in now, as ${role}.`).waitFor({ timeout: 30_000 });
    }
  } finally {
    await browser.close();
  }
}
