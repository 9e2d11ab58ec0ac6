import { expect, test } from './fixtures';
import { E2E_ENV, requireEnv } from './stack';
import { signInWithForm } from './support/sessions';

/**
 * The Users page, as an admin uses it, with the person on the other end in their own browser: every change
 * counts at their next click (their session row is read on every request).
 */
test('an admin adds a person, changes their role, ends their session, disables them and sets their password', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const id = Date.now().toString(36);
  const username = `ursula.${id}`;
  const first = `first-${id}-password`;
  const second = `second-${id}-password`;

  await page.goto('/users');
  const form = page.getByRole('form', { name: 'Add a user' });
  await form.getByLabel('Name', { exact: true }).fill(`Ursula ${id}`);
  await form.getByLabel('User name', { exact: true }).fill(username);
  await form.getByLabel('E-mail').fill(`${username}@example.com`);
  await form.getByLabel('Role').selectOption('viewer');
  await form.getByLabel('Initial password').fill(first);
  await form.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByText(`${username} can sign in now, as viewer.`)).toBeVisible();

  const theirs = await browser.newContext({ baseURL: requireEnv(E2E_ENV.baseUrl) });
  try {
    const her = await theirs.newPage();
    await her.goto('/signin');
    await signInWithForm(her, username, first);
    await expect(her.getByText(`Signed in as ${username}`)).toBeVisible();
    const nav = her.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Onboard a device' })).toHaveCount(0);

    // A new role counts at her next click.
    await page.goto('/users');
    await page.getByRole('link', { name: `Ursula ${id}` }).click();
    await expect(page.getByRole('heading', { level: 1, name: `Ursula ${id}` })).toBeVisible();
    await page.getByRole('form', { name: 'Role' }).getByLabel('Role').selectOption('operator');
    await page.getByRole('button', { name: 'Save role' }).click();
    await expect(page.getByText('Role set to operator.')).toBeVisible();
    await her.reload();
    await expect(nav.getByRole('link', { name: 'Onboard a device' })).toBeVisible();

    // Her session is listed, and ending it signs her out wherever the cookie is.
    await page.reload();
    await page.getByRole('button', { name: 'End', exact: true }).click();
    await expect(page.getByText('No session: they are not signed in anywhere.')).toBeVisible();
    await her.reload();
    await expect(her).toHaveURL(/\/signin/);

    // Disabled: signed out at once and refused at sign-in, in plain words.
    await signInWithForm(her, username, first);
    await expect(her.getByText(`Signed in as ${username}`)).toBeVisible();
    await page.getByRole('button', { name: 'Disable user' }).click();
    await expect(page.getByText('Disabled: they cannot sign in, and 1 session ended.')).toBeVisible();
    await her.reload();
    await expect(her).toHaveURL(/\/signin/);
    await signInWithForm(her, username, first);
    await expect(her.getByText('This account is disabled. Ask an admin to enable it.')).toBeVisible();

    // Enabled again, with a new password: the old one no longer works.
    await page.getByRole('button', { name: 'Enable user' }).click();
    await expect(page.getByText('Enabled: they can sign in again.')).toBeVisible();
    await page.getByRole('form', { name: 'Set a password' }).getByLabel('New password').fill(second);
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect(page.getByText('Password set; every session of theirs has ended.')).toBeVisible();
    await her.goto('/signin');
    await signInWithForm(her, username, first);
    await expect(her.getByText('The user name or password is wrong.')).toBeVisible();
    await her.goto('/signin');
    await signInWithForm(her, username, second);
    await expect(her.getByText(`Signed in as ${username}`)).toBeVisible();
  } finally {
    await theirs.close();
  }
});

test('the only enabled admin can be neither demoted nor disabled', async ({ page }) => {
  await page.goto('/users');
  await page.getByRole('link', { name: 'Administrator' }).click();
  await expect(page.getByRole('form', { name: 'Role' }).getByLabel('Role')).toBeDisabled();
  await expect(page.getByText('The only enabled admin keeps the admin role')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Disable user' })).toBeDisabled();
});

test.describe('failed sign-ins', () => {
  test('are listed for the admin with the address they came from', async ({ page, browser }) => {
    const tried = `nobody-listed-${Date.now().toString(36)}`;
    const stranger = await browser.newContext({
      baseURL: requireEnv(E2E_ENV.baseUrl),
      extraHTTPHeaders: { 'x-forwarded-for': '192.0.2.99' },
    });
    try {
      const theirs = await stranger.newPage();
      await theirs.goto('/signin');
      await signInWithForm(theirs, tried, 'a-wrong-password');
      await expect(theirs.getByText('The user name or password is wrong.')).toBeVisible();
    } finally {
      await stranger.close();
    }
    await page.goto('/users');
    const row = page.getByRole('row').filter({ hasText: tried });
    await expect(row).toContainText('192.0.2.99');
    await expect(row).toContainText(/invalid (credentials|username)/);
  });
});
