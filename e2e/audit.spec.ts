import { readFile } from 'node:fs/promises';

import { parseCsv } from '../lib/csv/csv';
import { expect, test } from './fixtures';
import { AuditPage } from './pages/audit-page';
import { BulkPage } from './pages/bulk-page';
import { E2E_ENV, requireEnv } from './stack';
import { arrangeDevice } from './support/device';
import { addSession, sessionOf } from './support/sessions';

/**
 * The audit trail in the browser: a bulk job's start and finish, recorded with who did it and the device counts,
 * found by filtering on the action and on the job, exported with the same filters as CSV (formula cells
 * neutralised) and JSON; a device's page shows its own history panel with a link to the filtered trail.
 */
test.describe('audit trail', () => {
  test.setTimeout(120_000);

  test("a bulk job's events are filtered, followed to the job, and exported as CSV and JSON", async ({ page }) => {
    const run = Date.now().toString(36);
    const prefix = `audit-${run}-`;
    const bulk = new BulkPage(page);
    await bulk.goto();
    await bulk.fillGenerator(prefix, 3);
    await bulk.check.click();
    await expect(bulk.preview).toBeVisible();
    await bulk.jobName.fill(`audit ${run}`);
    await bulk.policyName.fill(`${prefix}policy`);
    await bulk.onboardButton(3).click();
    await page.waitForURL(/\/bulk\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    const jobId = new URL(page.url()).pathname.split('/').at(-1)!;
    await expect(bulk.status).toHaveText('completed', { timeout: 60_000 });

    const audit = new AuditPage(page);
    await audit.goto();
    await expect(audit.heading).toBeVisible();
    await audit.action.fill('bulk.start, bulk.finish');
    await audit.resource.fill(jobId);
    await audit.filter.click();
    await expect(page).toHaveURL(/action=bulk\.start%2C/);
    await expect(audit.events).toHaveCount(2, { timeout: 15_000 });
    await expect(audit.events.nth(0)).toContainText('bulk.finish');
    await expect(audit.events.nth(1)).toContainText('bulk.start');
    await expect(audit.events.nth(1)).toContainText('admin');
    await expect(audit.events.nth(0)).toContainText('"done":3');

    // The export holds exactly what the page shows.
    const csv = parseCsv(await readFile((await (await audit.export('CSV')).path())!, 'utf8'));
    const header = csv[0]!.fields;
    const rows = csv.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r.fields[i]])));
    expect(rows.map((r) => r.action)).toEqual(['bulk.finish', 'bulk.start']);
    expect(rows.every((r) => r.resource_id === jobId)).toBe(true);
    expect(rows[1]!.actor_name).toBe('admin');
    const json = JSON.parse(await readFile((await (await audit.export('JSON')).path())!, 'utf8')) as {
      action: string;
      details: { counts?: { done: number } };
    }[];
    expect(json.map((e) => e.action)).toEqual(['bulk.finish', 'bulk.start']);
    expect(json[0]!.details.counts?.done).toBe(3);

    // The export itself is in the trail.
    await audit.goto('?action=audit.export');
    await expect(audit.events.first()).toContainText('audit.export');

    // Following the job from the trail; and a device's own history panel links to its filtered trail.
    await audit.goto(`?resource=${jobId}`);
    await audit.events.first().getByRole('link', { name: 'open' }).click();
    await expect(page).toHaveURL(new RegExp(`/bulk/${jobId}$`));
    await page.goto(`/things/${prefix}01`);
    const history = page.getByRole('region', { name: 'History' });
    await expect(history).toBeVisible();
    await history.getByRole('link', { name: 'All events in the audit trail' }).click();
    await expect(page).toHaveURL(new RegExp(`/audit\\?resource=${prefix}01$`));
    await expect(audit.resource).toHaveValue(`${prefix}01`);
  });

  test("an operator's bundle download shows on the admin's Audit page with who downloaded it, and in its export", async ({
    page,
    browser,
    iot,
  }) => {
    const device = await arrangeDevice(iot, 'audit-bundle');
    await device.client.endAsync();
    // The operator, in a browser of their own, downloads the device's credentials bundle from its page.
    const operatorContext = await browser.newContext({ baseURL: requireEnv(E2E_ENV.baseUrl) });
    try {
      await addSession(operatorContext, await sessionOf('operator'));
      const operatorPage = await operatorContext.newPage();
      await operatorPage.goto(`/things/${device.thingName}`);
      const [download] = await Promise.all([
        operatorPage.waitForEvent('download'),
        operatorPage.getByRole('link', { name: 'Credentials bundle' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/\.zip$/);
    } finally {
      await operatorContext.close();
    }

    // The admin finds it by the device, with the operator as the one who downloaded it.
    const audit = new AuditPage(page);
    await audit.goto(`?action=bundle.redownload&resource=${device.thingName}`);
    await expect(audit.events).toHaveCount(1, { timeout: 15_000 });
    await expect(audit.events.first()).toContainText('bundle.redownload');
    await expect(audit.events.first()).toContainText('operator');
    const json = JSON.parse(await readFile((await (await audit.export('JSON')).path())!, 'utf8')) as {
      action: string;
      outcome: string;
      actor: { name: string; role: string };
      resource: { id: string };
    }[];
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({
      action: 'bundle.redownload',
      outcome: 'success',
      actor: { name: 'operator', role: 'operator' },
      resource: { id: device.thingName },
    });
  });

  test('a filter no event could match is refused beside its field, and a forged page link says so', async ({
    page,
  }) => {
    const audit = new AuditPage(page);
    await audit.goto('?outcome=maybe&from=2024-02-31');
    await expect(page.getByText('The outcome is success, failure or denied.')).toBeVisible();
    await expect(page.getByText(/A date \(2024-05-31\)/)).toBeVisible();
    await audit.goto('?after=forged');
    await expect(page.getByRole('alert').filter({ hasText: 'Could not load the audit trail' })).toContainText(
      'The page link is not valid',
    );
  });
});
