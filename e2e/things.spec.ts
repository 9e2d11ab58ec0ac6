import { clearFaults, createThings, deleteAllThings, expect, injectFault, test } from './fixtures';

test.describe('Things page', () => {
  test('lists the things registered in AWS IoT', async ({ iot, thingsPage }) => {
    const suffix = Date.now().toString(36);
    const names = [`e2e-sensor-${suffix}`, `e2e-gateway-${suffix}`];
    await createThings(iot, names, { site: 'lab' });

    await thingsPage.goto();

    await expect(thingsPage.heading).toBeVisible();
    for (const name of names) {
      const row = thingsPage.row(name);
      await expect(row).toBeVisible();
      await expect(row).toContainText('site=lab');
    }
  });

  test('shows what to do when the registry is empty', async ({ iot, thingsPage }) => {
    await deleteAllThings(iot);

    await thingsPage.goto();

    await expect(thingsPage.emptyState).toBeVisible();
    await expect(thingsPage.emptyState).toContainText('create-thing');
    await expect(thingsPage.table).toHaveCount(0);
  });

  test('an AWS IoT outage shows a readable error, and Try again recovers', async ({ page, thingsPage }) => {
    // Enough failures to outlast the SDK's retries for the first load.
    await injectFault({ operation: 'ListThings', error: 'ServiceUnavailableException', count: 5 });
    try {
      await thingsPage.goto();
      await expect(thingsPage.error).toContainText('AWS IoT is temporarily unavailable');
      await expect(thingsPage.heading).toBeVisible(); // the console survives, only the list failed
    } finally {
      await clearFaults();
    }

    await page.getByRole('link', { name: 'Try again' }).click();
    await expect(thingsPage.error).toHaveCount(0);
  });

  test('the root address opens the things list', async ({ page, thingsPage }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/things$/);
    await expect(thingsPage.heading).toBeVisible();
  });
});
