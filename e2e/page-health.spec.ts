import { expect, test } from './fixtures';

/**
 * Every page in the console's navigation loads without a console error, an uncaught exception or a request
 * for a file that does not exist (the fixture in e2e/fixtures.ts fails any spec that causes one).
 */
test.describe('page health', () => {
  test('every page in the navigation loads cleanly, and the site has its icons', async ({ page }) => {
    await page.goto('/things');
    const links = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').all();
    const hrefs = await Promise.all(links.map((link) => link.getAttribute('href')));
    expect(hrefs.length).toBeGreaterThanOrEqual(8);
    for (const href of hrefs) {
      const response = await page.goto(href!);
      expect(response?.status(), href!).toBe(200);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    }
    for (const icon of ['/favicon.ico', '/icon.svg', '/apple-icon.png']) {
      const response = await page.request.get(icon);
      expect(response.status(), icon).toBe(200);
      expect(response.headers()['content-type'], icon).toMatch(/^image\//);
    }
  });

  // The watcher itself: a request for a missing file must fail the spec that made it.
  test('a page that asks for a missing file fails its spec', async ({ page }) => {
    test.fail();
    await page.goto('/things');
    await page.evaluate(() => fetch('/no-such-file.js'));
  });
});
