import { expect, test } from './fixtures';
import { E2E_ENV, E2E_USERS, requireEnv } from './stack';
import { apiRoutes, consolePagePaths } from './support/app-routes';
import { signInWithForm } from './support/sessions';

const adminPassword = () => requireEnv(E2E_ENV.password);

test.describe('sign-in', () => {
  test.use({ signedIn: false });

  test('a signed-out visitor is sent to sign in, and comes back to the page asked for', async ({ page }) => {
    await page.goto('/settings');
    await expect(page).toHaveURL(/\/signin\?next=%2Fsettings/);
    await signInWithForm(page, 'admin', adminPassword());
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.getByText('Signed in as admin')).toBeVisible();
    await expect(page.getByText('(admin)')).toBeVisible();
  });

  test('the e-mail signs in as well as the user name', async ({ page }) => {
    await page.goto('/signin');
    await signInWithForm(page, 'viewer@example.com', requireEnv(E2E_USERS.viewer.passwordEnv));
    await expect(page).toHaveURL(/\/things/);
    await expect(page.getByText('Signed in as viewer')).toBeVisible();
  });

  test('a wrong password says so and keeps the user name; an empty one is caught beside the field', async ({
    page,
  }) => {
    await page.goto('/signin');
    // Not a real account: these failures must not slow the real users down in the specs that follow.
    await signInWithForm(page, 'nobody-here', 'not-the-password');
    await expect(page.getByText('The user name or password is wrong.')).toBeVisible();
    await expect(page.getByLabel('User name or e-mail')).toHaveValue('nobody-here');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.locator('#password-error')).toHaveText('Enter the password.');
  });

  test('sign-out ends the session everywhere: the same cookie copied to another browser stops working', async ({
    page,
    browser,
  }) => {
    await page.goto('/signin');
    await signInWithForm(page, 'admin', adminPassword());
    await expect(page).toHaveURL(/\/things/);

    // A second browser holding a copy of this session's cookie (what a stolen cookie would be).
    const copy = await browser.newContext({ baseURL: requireEnv(E2E_ENV.baseUrl) });
    try {
      await copy.addCookies(await page.context().cookies());
      const other = await copy.newPage();
      await other.goto('/settings');
      await expect(other.getByText('Signed in as admin')).toBeVisible();

      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect(page).toHaveURL(/\/signin/);
      await page.goto('/things');
      await expect(page).toHaveURL(/\/signin/);

      // The session row is gone: the copied cookie no longer counts, on a page or a route.
      await other.goto('/settings');
      await expect(other).toHaveURL(/\/signin/);
      const res = await copy.request.get('/api/session', { failOnStatusCode: false });
      expect(res.status()).toBe(401);
    } finally {
      await copy.close();
    }
  });

  test('a forged cookie does not count as a session', async ({ page, context }) => {
    await context.addCookies([
      { name: 'dashboard.session_token', value: 'forged-token.forged-signature', url: requireEnv(E2E_ENV.baseUrl) },
    ]);
    await page.goto('/things');
    await expect(page).toHaveURL(/\/signin/);
  });
});

test.describe('sign-in throttling', () => {
  // The attacker's address, as the proxy in front of the dashboard reports it (global setup trusts 127.0.0.1).
  test.use({ signedIn: false, extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.7' } });

  test('failures from one address slow that address down without locking the owner out', async ({
    page,
    browser,
    request,
  }) => {
    test.setTimeout(120_000);
    // Wrong guesses from this address, through the sign-in endpoint, until the wait is long enough to see it
    // hold (each shorter wait is let pass, so the next guess counts: 3 free, then 1 s, 2 s, 4 s ...).
    let wait = 0;
    for (let i = 0; i < 10 && wait < 3; i++) {
      const res = await request.post('/api/auth/sign-in/username', {
        headers: { origin: requireEnv(E2E_ENV.baseUrl), 'x-forwarded-for': '203.0.113.7' },
        data: { username: 'viewer', password: `guess-${i}-wrong` },
        failOnStatusCode: false,
      });
      wait = res.status() === 429 ? Number(res.headers()['retry-after']) : 0;
      if (res.status() !== 429) expect(res.status(), 'a wrong password').toBe(401);
      if (wait > 0 && wait < 3) await new Promise((r) => setTimeout(r, wait * 1000));
    }
    expect(wait, 'the guesser is slowed down').toBeGreaterThanOrEqual(3);
    // Even the right password waits, from this address.
    await page.goto('/signin');
    await signInWithForm(page, 'viewer', requireEnv(E2E_USERS.viewer.passwordEnv));
    await expect(page.getByText(/Too many failed sign-ins\. Try again in \d+ seconds?\./)).toBeVisible();

    // The owner, from their own address, signs in at once.
    const owner = await browser.newContext({
      baseURL: requireEnv(E2E_ENV.baseUrl),
      extraHTTPHeaders: { 'x-forwarded-for': '198.51.100.20' },
    });
    try {
      const ownerPage = await owner.newPage();
      await ownerPage.goto('/signin');
      await signInWithForm(ownerPage, 'viewer', requireEnv(E2E_USERS.viewer.passwordEnv));
      await expect(ownerPage.getByText('Signed in as viewer')).toBeVisible();
    } finally {
      await owner.close();
    }
  });
});

test.describe('every console page checks the session itself', () => {
  test.use({ signedIn: false });

  // Every page under app/(console), found on disk so a new page cannot be forgotten here.
  const pages = consolePagePaths();
  for (const route of pages) {
    test(`${route} sends a signed-out visitor to sign in`, async ({ page }) => {
      const res = await page.goto(route);
      expect(res?.status()).toBeLessThan(500);
      await expect(page).toHaveURL(/\/signin/);
      await expect(page.getByText('Signed in as')).toHaveCount(0);
    });
  }
});

test.describe('every route handler checks the session itself', () => {
  test.use({ signedIn: false });

  // Every app/api/**/route.ts and the methods it exports, found on disk so a new route cannot be forgotten.
  for (const { route, method } of apiRoutes()) {
    test(`${method} ${route} answers 401 without a session`, async ({ request }) => {
      const res = await request.fetch(route, {
        method,
        data: method === 'GET' ? undefined : {},
        failOnStatusCode: false,
      });
      expect(res.status()).toBe(401);
    });
  }
});
