import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';

import { DescribeCertificateCommand, ListThingPrincipalsCommand } from '@aws-sdk/client-iot';
import type { Page } from '@playwright/test';

import { parseCsv } from '../lib/csv/csv';
import { expect, test } from './fixtures';
import { BulkPage } from './pages/bulk-page';
import { readDownloadedZip } from './support/zip';

/**
 * Bulk jobs never lose their keys: names the zip would merge are refused before anything is made, and the keys
 * a job makes stay in the browser that made them (IndexedDB, encrypted under a non-extractable key) until the
 * operator confirms the saved bundle, however the tab is closed or reloaded on the way.
 */

const run = Date.now().toString(36);

/** What the browser's key vault holds for a job, read the way any script of the page could. */
async function vaultRecords(page: Page, jobId: string) {
  return page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('iot-dashboard-bulk-keys');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const get = <T>(store: string, fn: (s: IDBObjectStore) => IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        const req = fn(db.transaction(store).objectStore(store));
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    const job = await get('jobs', (s) => s.get(id));
    const keys = (await get('keys', (s) => s.index('by-job').getAll(IDBKeyRange.only(id)))) as {
      data: ArrayBuffer;
    }[];
    const key = job?.cryptoKey as CryptoKey | undefined;
    const text = keys.map((k) => new TextDecoder('latin1').decode(k.data)).join('');
    db.close();
    return {
      keyCount: keys.length,
      cryptoKey: key ? { type: key.algorithm.name, extractable: key.extractable } : undefined,
      plaintextPem: /PRIVATE KEY|BEGIN/.test(text),
    };
  }, jobId);
}

test.describe('bulk key custody', () => {
  test.setTimeout(180_000);

  test('names the zip would see as one folder are refused at preview, naming both rows', async ({ page }) => {
    const bulk = new BulkPage(page);
    await bulk.goto();
    await bulk.csv.fill(
      ['name', `case-Dev-2-${run}`, `ok-${run}`, `case-dev-2-${run}`, `site:1-${run}`, `site_1-${run}`].join('\n'),
    );
    await bulk.check.click();
    await expect(bulk.preview).toBeVisible();
    await expect(bulk.preview).toContainText(
      `Line 4 (case-dev-2-${run}) and line 2 (case-Dev-2-${run}) differ only in upper and lower case`,
    );
    await expect(bulk.preview).toContainText(
      `Line 6 (site_1-${run}) and line 5 (site:1-${run}) become the same file name (":" is written as "_")`,
    );
    // Nothing can start while they are in the list; leaving the later rows out resolves both pairs.
    await expect(bulk.onboardButton(5)).toBeDisabled();
    await bulk.excludeBad.check();
    await expect(bulk.onboardButton(3)).toBeEnabled();
  });

  test('a 50-device job whose tab is closed midway still yields every key, each matching its ACTIVE certificate', async ({
    page,
    iot,
  }) => {
    const prefix = `custody-${run}-`;
    const bulk = new BulkPage(page);
    await bulk.goto();
    await bulk.fillGenerator(prefix, 50);
    await bulk.check.click();
    await expect(bulk.preview).toBeVisible();
    await bulk.jobName.fill(`custody-${run}`);
    await bulk.policyName.fill(`custody-${run}-policy`);
    // Slow enough to close the tab while the job runs on the server.
    await page.getByText('Concurrency and rate limits').click();
    await page.getByLabel('CreateThing /s').fill('5');
    await bulk.onboardButton(50).click();
    await page.waitForURL(/\/bulk\/[0-9a-f-]{36}$/, { timeout: 60_000 });
    const jobUrl = page.url();
    const jobId = jobUrl.slice(-36);

    // Every key is already in the vault, encrypted under a key the page cannot export.
    const vault = await vaultRecords(page, jobId);
    expect(vault).toEqual({ keyCount: 50, cryptoKey: { type: 'AES-GCM', extractable: false }, plaintextPem: false });
    await expect(bulk.keysStatus).toContainText('Not saved yet: 50 private keys are held in this browser only.');

    // Leaving the page while keys are held asks first.
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.accept();
    });
    await page.getByRole('heading', { level: 1 }).click();
    await page.reload();
    expect(dialogs).toContain('beforeunload');

    // Midway: some devices done, others not yet. The tab closes.
    await expect
      .poll(async () => Number(await page.getByTestId('count-done').textContent()), { timeout: 30_000 })
      .toBeGreaterThan(2);
    expect(Number(await page.getByTestId('count-done').textContent())).toBeLessThan(50);
    const context = page.context();
    await page.close();

    // Reopened later from the same browser: the job finished on the server, every key is still here.
    const again = await context.newPage();
    await again.goto(jobUrl);
    await again.waitForSelector('html[data-hydrated]', { state: 'attached' });
    const reopened = new BulkPage(again);
    await expect(reopened.status).toHaveText('completed', { timeout: 60_000 });
    await expect(again.getByTestId('count-done')).toHaveText('50');
    await expect(reopened.keysStatus).toContainText('Not saved yet: 50 private keys');

    // The zip can be saved again and again until confirmed; each copy has all 50 keys.
    for (let copy = 0; copy < 2; copy++) {
      const files = await readDownloadedZip(await reopened.downloadZip());
      const manifest = parseCsv(files['manifest.csv']!)
        .map((r) => r.fields)
        .slice(1);
      expect(manifest).toHaveLength(50);
      for (const [thingName, certificateId, certificateArn, status, folder] of manifest) {
        expect(status).toBe('done');
        const keyPem = files[`${folder}/private.pem.key`];
        const certPem = files[`${folder}/certificate.pem.crt`]!;
        expect(keyPem, `${thingName}: key in the zip`).toContain('BEGIN PRIVATE KEY');
        // The key's public half is the certificate's public key.
        const fromKey = createPublicKey(createPrivateKey(keyPem!)).export({ type: 'spki', format: 'der' });
        const fromCert = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
        expect(Buffer.compare(fromKey, fromCert), `${thingName}: key matches certificate`).toBe(0);
        if (copy === 0) {
          // ... and that certificate is the thing's, ACTIVE in AWS IoT.
          const described = await iot.send(new DescribeCertificateCommand({ certificateId }));
          expect(described.certificateDescription?.status).toBe('ACTIVE');
          expect(described.certificateDescription?.certificatePem?.trim()).toBe(certPem.trim());
          const principals = (await iot.send(new ListThingPrincipalsCommand({ thingName }))).principals;
          expect(principals).toEqual([certificateArn]);
        }
      }
    }
    await expect(again.getByTestId('last-saved-copy')).toContainText('with 50 private keys');

    // Confirmed: the keys leave this browser, and the page says so after a reload too.
    await again.getByRole('button', { name: 'I saved the bundle' }).click();
    await again.getByRole('button', { name: 'Yes, I saved it: delete the keys here' }).click();
    await expect(reopened.keysStatus).toContainText('Saved: you confirmed that 50 private keys were saved');
    expect((await vaultRecords(again, jobId)).keyCount).toBe(0);
    expect((await vaultRecords(again, jobId)).cryptoKey).toBeUndefined();
    await again.reload();
    await expect(reopened.keysStatus).toContainText('Saved: you confirmed that 50 private keys were saved');
    await again.close();
  });
});
