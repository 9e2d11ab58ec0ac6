import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Page } from '@playwright/test';

import { startOidcProvider, type TestOidcProvider } from '../lib/auth/testing/oidc-test-provider';
import { getFreePort, type NextServer } from '../scripts/next-app';
import { expect, test } from './fixtures';
import { startOwnDashboard } from './support/own-dashboard';

/**
 * Single sign-on against a real OpenID provider (the `oidc-provider` package, started here on a free port) and
 * a dashboard of this spec's own configured for it: the groups claim maps to a role at every sign-in, and a
 * person whose groups map to no role is refused in plain words.
 */
const GROUPS: Record<string, string[]> = { ada: ['staff', 'iot-ops'], bob: ['sales'] };

let provider: TestOidcProvider;
let server: NextServer;
let dataDir: string;

test.describe.configure({ mode: 'serial' });
test.use({ signedIn: false });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oidc-e2e-'));
  const port = await getFreePort();
  const url = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider({ redirectUris: [`${url}/api/auth/callback/oidc`], groups: GROUPS });
  server = await startOwnDashboard(
    {
      DASHBOARD_DATA_DIR: dataDir,
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
      OIDC_ROLE_MAP: 'staff=viewer,iot-ops=operator,iot-admins=admin',
      OIDC_SCOPES: 'openid email profile groups',
      OIDC_NAME: 'Test IdP',
    },
    { port },
  );
});

test.afterAll(async () => {
  await server?.stop();
  await provider?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test.beforeEach(async ({ context }) => {
  // The provider's development pages import a web font from the internet, which this machine cannot reach (the
  // page would wait for it and never finish loading), and ask the provider for a favicon it does not have.
  await context.route(
    (url) => url.hostname !== '127.0.0.1' && url.hostname !== 'localhost',
    (route) => route.fulfill({ status: 200, contentType: 'text/css', body: '' }),
  );
  const providerOrigin = new URL(provider.issuer).origin;
  await context.route(
    (url) => url.origin === providerOrigin && url.pathname === '/favicon.ico',
    (route) => route.fulfill({ status: 204 }),
  );
});

/** Through the provider's login and consent pages (its development pages take any password) and back. */
async function signInThroughProvider(page: Page, login: string): Promise<void> {
  await page.goto(`${server.url}/signin`);
  await page.getByRole('button', { name: 'Sign in with Test IdP' }).click();
  // Back on the dashboard, other than the bare sign-in page the click starts from.
  const back = new RegExp(`^${server.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(?!api/auth|signin$)`);
  for (let hop = 0; hop < 4; hop++) {
    await page.waitForURL((u) => back.test(u.href) || u.href.startsWith(provider.issuer), { timeout: 30_000 });
    if (back.test(page.url())) return;
    const loginField = page.locator('input[name="login"]');
    if (await loginField.isVisible()) {
      await loginField.fill(login);
      await page.locator('input[name="password"]').fill('any password');
      await page.getByRole('button', { name: 'Sign-in' }).click();
    } else {
      await page.getByRole('button', { name: 'Continue' }).click();
    }
    await page.waitForLoadState();
  }
  await page.waitForURL(back);
}

test('a person signs in through the provider with the role their groups map to, followed at every sign-in', async ({
  page,
}) => {
  await signInThroughProvider(page, 'ada');
  await expect(page).toHaveURL(/\/things/);
  await expect(page.getByText('Signed in as ada@example.com')).toBeVisible();
  await expect(page.getByText('(operator)')).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Onboard a device' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);

  // Her groups change at the provider: her next sign-in takes the new role.
  GROUPS.ada = ['iot-admins'];
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
  await signInThroughProvider(page, 'ada');
  await expect(page.getByText('(admin)')).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Users' })).toBeVisible();
});

test('a person whose groups map to no role is refused with a clear message', async ({ page }) => {
  await signInThroughProvider(page, 'bob');
  await expect(page).toHaveURL(/\/signin\?.*error=no_role/);
  await expect(
    page.getByText(
      'Your groups at Test IdP give you no role in this dashboard. Ask an admin to add you to a group that maps to viewer, operator or admin.',
    ),
  ).toBeVisible();
  await expect(page.getByText('Signed in as')).toHaveCount(0);
});
