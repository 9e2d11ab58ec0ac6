import fs from 'node:fs';
import path from 'node:path';

import { E2E_ENV, requireEnv } from './stack';
import { expect, test } from './fixtures';

test.describe('sign-in', () => {
  test.use({ signedIn: false });

  test('a signed-out visitor is sent to sign in, and comes back to the page asked for', async ({ page }) => {
    await page.goto('/settings');
    await expect(page).toHaveURL(/\/signin\?next=%2Fsettings/);
    await page.getByLabel('User').fill('admin');
    await page.getByLabel('Password').fill(requireEnv(E2E_ENV.password));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.getByText('Signed in as admin')).toBeVisible();
  });

  test('a wrong password says so and keeps the user name; an empty one is caught beside the field', async ({
    page,
  }) => {
    await page.goto('/signin');
    await page.getByLabel('User').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('The user name or password is wrong.')).toBeVisible();
    await expect(page.getByLabel('User')).toHaveValue('admin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#password-error')).toHaveText('Enter the password.');
  });

  test('sign-out ends the session', async ({ page }) => {
    await page.goto('/signin');
    await page.getByLabel('Password').fill(requireEnv(E2E_ENV.password));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/things/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/signin/);
    await page.goto('/things');
    await expect(page).toHaveURL(/\/signin/);
  });

  test('a forged or expired cookie does not count as a session', async ({ page, context }) => {
    await context.addCookies([
      {
        name: 'iot_dashboard_session',
        value: 'eyJ1IjoiYWRtaW4iLCJleHAiOjk5OTk5OTk5OTl9.forged',
        url: requireEnv(E2E_ENV.baseUrl),
      },
    ]);
    await page.goto('/things');
    await expect(page).toHaveURL(/\/signin/);
  });
});

test.describe('sign-in rate limit', () => {
  test.use({ signedIn: false });

  test('after five failed attempts for a user, the next is refused even with the right password', async ({ page }) => {
    await page.goto('/signin');
    for (let i = 0; i < 5; i++) {
      await page.getByLabel('User').fill('Intruder');
      await page.getByLabel('Password').fill(`guess-${i}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByText('The user name or password is wrong.')).toBeVisible();
    }
    await page.getByLabel('User').fill('intruder');
    await page.getByLabel('Password').fill('anything');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText(/Too many failed sign-ins\. Try again in \d+ seconds\./)).toBeVisible();
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

function consolePagePaths(): string[] {
  const root = path.join(process.cwd(), 'app', '(console)');
  const out: string[] = [];
  const walk = (dir: string, route: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) {
        if (entry.name === 'page.tsx') out.push(route || '/');
        continue;
      }
      // Dynamic segments get a sample value; the redirect must come before any lookup.
      const segment = entry.name.startsWith('[') ? 'sample-1' : entry.name;
      walk(path.join(dir, entry.name), entry.name.startsWith('(') ? route : `${route}/${segment}`);
    }
  };
  walk(root, '');
  return out.sort();
}

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

function apiRoutes(): { route: string; method: string }[] {
  const root = path.join(process.cwd(), 'app', 'api');
  const out: { route: string; method: string }[] = [];
  const walk = (dir: string, route: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full, `${route}/${entry.name.startsWith('[') ? 'sample-1' : entry.name}`);
      } else if (entry.name === 'route.ts') {
        const source = fs.readFileSync(full, 'utf8');
        for (const m of source.matchAll(/export async function (GET|POST|PUT|PATCH|DELETE)\b/g))
          out.push({ route: `/api${route}`, method: m[1]! });
      }
    }
  };
  walk(root, '');
  return out.sort((a, b) => `${a.route} ${a.method}`.localeCompare(`${b.route} ${b.method}`));
}
