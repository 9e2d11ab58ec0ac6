import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import {
  CreatePolicyCommand,
  DescribeThingCommand,
  ListAttachedPoliciesCommand,
  ListThingPrincipalsCommand,
} from '@aws-sdk/client-iot';

import { parseCsv } from '../lib/csv/csv';
import { clearFaults, emulatorAdmin, expect, test } from './fixtures';
import { BulkPage } from './pages/bulk-page';
import { unzipText } from './support/zip';

/**
 * Bulk onboarding end to end: a CSV checked row by row, keys made in the browser, the server-side job, the zip
 * built in the browser (manifest + a folder per device) whose credentials connect (scripts/device.ts over mTLS);
 * and a throttling storm with a failure injected at each step, after which every device is done or rolled back.
 */

async function emulatorFault(rule: Record<string, unknown>) {
  await emulatorAdmin('faults', { method: 'POST', body: rule });
}

function runDevice(target: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/device.ts', target, '--once'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

test.describe('bulk onboarding', () => {
  test.setTimeout(120_000);

  test('a CSV of devices is checked, onboarded and downloaded as one zip whose credentials connect', async ({
    page,
    iot,
  }) => {
    const run = Date.now().toString(36);
    const names = Array.from({ length: 5 }, (_, i) => `bulk-e2e-${run}-${i + 1}`);
    // An existing, thing-scoped policy that allows what the simulator does: its telemetry topic and its shadow.
    const policyName = `bulk-e2e-${run}-policy`;
    const thing = '${iot:Connection.Thing.ThingName}';
    const arn = 'arn:aws:iot:us-east-1:*';
    await iot.send(
      new CreatePolicyCommand({
        policyName,
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'iot:Connect', Resource: `${arn}:client/${thing}` },
            {
              Effect: 'Allow',
              Action: ['iot:Publish', 'iot:Receive'],
              Resource: [`${arn}:topic/${thing}/*`, `${arn}:topic/$aws/things/${thing}/shadow/*`],
            },
            {
              Effect: 'Allow',
              Action: 'iot:Subscribe',
              Resource: [`${arn}:topicfilter/${thing}/*`, `${arn}:topicfilter/$aws/things/${thing}/shadow/*`],
            },
          ],
        }),
      }),
    );
    const bulk = new BulkPage(page);
    await bulk.goto();
    await expect(bulk.heading).toBeVisible();

    // A list with problems first: a bad name and a repeat are flagged, nothing is created.
    const csv = ['name,attributes,type,group', ...names.map((n, i) => `${n},"room=${i};floor=2",,`)].join('\n');
    await bulk.csv.fill(`${csv}\nbad name!,,,\n${names[0]},,,`);
    await bulk.check.click();
    await expect(bulk.preview).toBeVisible();
    await expect(bulk.preview.getByText('Name "bad name!"')).toBeVisible();
    await expect(bulk.preview.getByText(`The name ${names[0]} is already on line 2.`)).toBeVisible();
    await expect(bulk.onboardButton(7)).toBeDisabled();
    await bulk.excludeBad.check();
    await expect(bulk.onboardButton(5)).toBeEnabled();

    await bulk.jobName.fill(`csv-${run}`);
    await page.getByLabel('An existing policy').check();
    await page.getByLabel('Policy', { exact: true }).selectOption(policyName);
    await bulk.onboardButton(5).click();

    await page.waitForURL(/\/bulk\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    await expect(bulk.status).toHaveText('completed', { timeout: 60_000 });
    await expect(page.getByTestId('count-done')).toHaveText('5');
    for (const n of names) await expect(bulk.deviceRow(n)).toContainText('done');

    const download = await bulk.downloadZip();
    expect(download.suggestedFilename()).toBe(`csv-${run}-devices.zip`);
    const zipPath = path.join(os.tmpdir(), `bulk-e2e-${run}.zip`);
    await download.saveAs(zipPath);
    const { readFile } = await import('node:fs/promises');
    const files = unzipText(new Uint8Array(await readFile(zipPath)));

    const manifest = parseCsv(files['manifest.csv']!).map((r) => r.fields);
    expect(manifest[0]).toEqual(['thing_name', 'certificate_id', 'certificate_arn', 'status', 'folder', 'reason']);
    expect(manifest.slice(1).map((r) => r[0])).toEqual(names);
    for (const [name, certId, certArn, status, folder] of manifest.slice(1)) {
      expect(status).toBe('done');
      expect(folder).toBe(name);
      expect(certArn).toContain(`cert/${certId}`);
      expect(files[`${folder}/certificate.pem.crt`]).toContain('BEGIN CERTIFICATE');
      expect(files[`${folder}/private.pem.key`]).toContain('BEGIN PRIVATE KEY');
      // AWS agrees: the thing has this certificate, and the certificate has the job's policy.
      const principals = (await iot.send(new ListThingPrincipalsCommand({ thingName: name! }))).principals ?? [];
      expect(principals).toEqual([certArn]);
      const policies = (await iot.send(new ListAttachedPoliciesCommand({ target: certArn! }))).policies ?? [];
      expect(policies.map((p) => p.policyName)).toEqual([policyName]);
    }

    // One device connects with its credentials from the zip (mutual TLS, the job's policy).
    const folderZip = path.join(os.tmpdir(), `bulk-e2e-${run}-one.zip`);
    const { zipSync, strToU8 } = await import('fflate');
    const one = Object.fromEntries(
      Object.entries(files)
        .filter(([p]) => p.startsWith(`${names[0]}/`))
        .map(([p, c]) => [p, strToU8(c)]),
    );
    await writeFile(folderZip, zipSync(one));
    const device = await runDevice(folderZip);
    expect(device.code, device.out).toBe(0);
  });

  test('a throttling storm and a failure at each step end with every device done or rolled back, with its reason', async ({
    page,
    iot,
  }) => {
    const run = Date.now().toString(36);
    const prefix = `bulk-storm-${run}-`;
    const bulk = new BulkPage(page);
    await bulk.goto();
    await bulk.fillGenerator(prefix, 10);
    await bulk.check.click();
    await expect(bulk.preview).toBeVisible();
    await bulk.jobName.fill(`storm-${run}`);
    await bulk.policyName.fill(`bulk-storm-${run}-policy`);
    try {
      for (const operation of ['CreateThing', 'CreateCertificateFromCsr', 'AttachPolicy', 'AttachThingPrincipal']) {
        await emulatorFault({ operation, error: 'ThrottlingException', probability: 0.3 });
      }
      for (const operation of ['CreateThing', 'CreateCertificateFromCsr', 'AttachPolicy', 'AttachThingPrincipal']) {
        await emulatorFault({
          operation,
          error: 'InvalidRequestException',
          count: 1,
          message: `injected ${operation} failure`,
        });
      }
      await bulk.onboardButton(10).click();
      await page.waitForURL(/\/bulk\/[0-9a-f-]{36}$/, { timeout: 30_000 });
      await expect(bulk.status).toHaveText('completed', { timeout: 60_000 });
    } finally {
      await clearFaults();
    }
    await expect(page.getByTestId('count-done')).toHaveText('6');
    await expect(page.getByTestId('count-rolled-back')).toHaveText('4');
    await expect(page.getByTestId('count-failed')).toHaveText('0');

    await page.getByRole('button', { name: 'Rolled back', exact: true }).click();
    for (const op of ['CreateThing', 'CreateCertificateFromCsr', 'AttachPolicy', 'AttachThingPrincipal']) {
      await expect(bulk.devices.getByText(`injected ${op} failure`)).toBeVisible();
    }
    // No half-made device: a rolled-back thing is gone from AWS; a done one is complete.
    const rows = await bulk.devices.locator('tbody tr').all();
    for (const row of rows) {
      const name = ((await row.locator('td').nth(1).textContent()) ?? '').trim();
      await expect(iot.send(new DescribeThingCommand({ thingName: name }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
    }

    // Retry the failed ones: all ten end done.
    await page.getByRole('button', { name: 'Retry 4 failed devices' }).click();
    await expect(page.getByTestId('count-done')).toHaveText('10', { timeout: 30_000 });
    await expect(bulk.status).toHaveText('completed');
  });
});
