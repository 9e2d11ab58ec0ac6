import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ListCertificatesCommand, ListThingPrincipalsCommand, type IoTClient } from '@aws-sdk/client-iot';

import type { NextServer } from '../scripts/next-app';
import { emulatorAdmin, expect, test } from './fixtures';
import { BulkPage } from './pages/bulk-page';
import { startOwnDashboard } from './support/own-dashboard';
import { E2E_ENV, requireEnv } from './stack';
import { addSession, freshSession } from './support/sessions';

/**
 * A dashboard server killed in the middle of a bulk job: the spec runs its own `next start` (same build,
 * same emulator, its own embedded database), SIGKILLs it while the job runs, starts a new one on the same data,
 * and checks the job resumes at start-up (no page visit needed) and finishes with every device exactly once —
 * no duplicate things, certificates or attachments.
 */
const _emulatorUrl = () => requireEnv(E2E_ENV.emulatorUrl);

async function setQuotas(rates: Record<string, number> | null) {
  await emulatorAdmin('quotas', rates ? { method: 'PUT', body: { rates } } : { method: 'DELETE' });
}

async function certificateCount(iot: IoTClient): Promise<number> {
  let marker: string | undefined;
  let count = 0;
  do {
    const page = await iot.send(new ListCertificatesCommand({ pageSize: 250, marker }));
    count += page.certificates?.length ?? 0;
    marker = page.nextMarker;
  } while (marker);
  return count;
}

/** How many of the job's things have their certificate attached (a thing not made yet counts as none). */
async function devicesWithCertificate(iot: IoTClient, prefix: string, count: number): Promise<number> {
  let attached = 0;
  for (let i = 1; i <= count; i++) {
    const thingName = `${prefix}${String(i).padStart(2, '0')}`;
    const principals = await iot
      .send(new ListThingPrincipalsCommand({ thingName }))
      .then((out) => out.principals ?? [])
      .catch(() => []);
    if (principals.length > 0) attached++;
  }
  return attached;
}

/** A dashboard of the spec's own on `dataDir` (its own database: the same admin password signs in there). */
const startDashboard = (dataDir: string) => startOwnDashboard({ DASHBOARD_DATA_DIR: dataDir });

test.describe('bulk onboarding across a server restart', () => {
  // The page keeps polling the server this spec kills on purpose.
  test.use({
    expectedPageErrors: [
      /net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|INCOMPLETE_CHUNKED_ENCODING|EMPTY_RESPONSE|SOCKET_NOT_CONNECTED)/,
    ],
  });

  test.setTimeout(180_000);

  test('a server killed mid-job resumes on restart without duplicating any device', async ({ page, context, iot }) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-restart-'));
    const run = Date.now().toString(36);
    const prefix = `bulk-restart-${run}-`;
    const count = 30;
    const certificatesBefore = await certificateCount(iot);
    // A slow account, so the kill lands in the middle of the job: the emulator allows 1.5 calls/s of the two
    // slowest operations, and the job is set to stay under that (as an operator sets it to the account's quotas;
    // left at AWS's defaults, sixteen devices at once would be throttled until one of them gave up).
    await setQuotas({ CreateCertificateFromCsr: 1.5, AttachThingPrincipal: 1.5 });
    let server: NextServer | undefined = await startDashboard(dataDir);
    try {
      // This server has its own database: sign in there (the session outlives the restart: same database).
      await addSession(context, await freshSession('admin', server.url), server.url);
      const bulk = new BulkPage(page);
      await page.goto(`${server.url}/bulk`);
      await bulk.fillGenerator(prefix, count);
      await bulk.check.click();
      await expect(bulk.preview).toBeVisible();
      await bulk.jobName.fill(`restart-${run}`);
      await page.getByText('Concurrency and rate limits').click();
      await page.getByLabel('CreateCertificateFromCsr /s').fill('1');
      await page.getByLabel('AttachThingPrincipal /s').fill('1');
      await bulk.policyName.fill(`${prefix}policy`);
      await bulk.onboardButton(count).click();
      await page.waitForURL(/\/bulk\/[0-9a-f-]{36}$/, { timeout: 30_000 });
      const jobPath = new URL(page.url()).pathname;

      await expect
        .poll(async () => Number((await page.getByTestId('count-done').textContent()) ?? 0), { timeout: 60_000 })
        .toBeGreaterThanOrEqual(3);
      server.child.kill('SIGKILL');
      // The kill must land mid-job, or this spec would prove nothing about resuming.
      expect(Number(await page.getByTestId('count-done').textContent())).toBeLessThan(count);
      await server.stop();

      server = await startDashboard(dataDir);
      // The job resumes when the server starts (instrumentation.ts), before anyone opens a page: the fleet is
      // finished in AWS while no browser asks the new server about bulk jobs.
      await expect
        .poll(() => devicesWithCertificate(iot, prefix, count), { timeout: 120_000, intervals: [1_000] })
        .toBe(count);
      await page.goto(`${server.url}${jobPath}`);
      await expect(bulk.status).toHaveText('completed', { timeout: 120_000 });
      await expect(page.getByTestId('count-done')).toHaveText(String(count));

      // Exactly one certificate per device, each attached to its thing, and no stray certificate.
      for (let i = 1; i <= count; i++) {
        const thingName = `${prefix}${String(i).padStart(2, '0')}`;
        const principals = (await iot.send(new ListThingPrincipalsCommand({ thingName }))).principals ?? [];
        expect(principals, thingName).toHaveLength(1);
      }
      expect(await certificateCount(iot)).toBe(certificatesBefore + count);
    } finally {
      await setQuotas(null);
      await server?.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
