import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { CreateProvisioningTemplateCommand } from '@aws-sdk/client-iot';
import mqtt from 'mqtt';

import { readClaimBundle } from '../lib/bundle/claim-bundle';
import { readZip } from '../lib/bundle/zip';
import { presetTemplate } from '../lib/provisioning/presets';
import { expect, test } from './fixtures';
import { E2E_CLAIM_SECONDS } from './stack';

/**
 * Fleet provisioning from the dashboard (issue 12, "Done when"): an admin creates a template from a preset and a
 * claim bundle whose key the browser made; 50 simulated devices (`npm run device -- --claim ... --count 50`)
 * provision themselves from it at once and show up on the template's page as provisioned and connected. A
 * trusted-user claim counts down beside its QR code, whose one-time link serves the bundle once; once the claim
 * has expired (the e2e emulator gives claims E2E_CLAIM_SECONDS), the device simulator and the broker refuse it.
 */

function claimFiles(zip: Uint8Array, folder: string) {
  const files = readZip(zip);
  const read = (rel: string) => {
    const bytes = files[`${folder}/${rel}`];
    return bytes ? new TextDecoder().decode(bytes) : undefined;
  };
  return { names: Object.keys(files), bundle: readClaimBundle(folder, read) };
}

function runDevices(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/device.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

test.describe('fleet provisioning', () => {
  test.setTimeout(240_000);

  test('an admin makes a template and a claim bundle; 50 devices provision themselves from it and show up connected', async ({
    page,
  }) => {
    const name = `fleet-${Date.now().toString(36)}`;
    await page.goto('/provisioning');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Fleet provisioning' }).click();
    await page.getByRole('link', { name: 'New template' }).first().click();
    await expect(page.getByRole('heading', { level: 1, name: 'New provisioning template' })).toBeVisible();
    await page.getByLabel('Template name').fill(name);
    await page.getByLabel('Thing name prefix').fill(`${name}-`);
    await expect(page.getByText('Template checks out. Devices send: SerialNumber.')).toBeVisible();
    await expect(page.getByText(`Claim policy ${name}-ClaimPolicy`)).toBeVisible();
    await page.getByRole('button', { name: 'Create template' }).click();

    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    await expect(page.getByText(`Template ${name} created`)).toBeVisible();
    await expect(page.getByRole('region', { name: 'Claim policy' })).toContainText(
      `$aws/provisioning-templates/${name}/provision/*`,
    );

    // The claim bundle, its key made in this browser.
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Create claim certificate and download bundle' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(`${name}-claim.zip`);
    await expect(page.getByText('Claim bundle ready')).toBeVisible();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fleet-e2e-'));
    const zipPath = path.join(dir, `${name}-claim.zip`);
    await download.saveAs(zipPath);
    const { names, bundle } = claimFiles(await fs.readFile(zipPath), `${name}-claim`);
    for (const extra of ['README.md', 'sdk/python-fleetprovisioning.sh', 'sdk/javascript-fleet-provisioning.sh']) {
      expect(names).toContain(`${name}-claim/${extra}`);
    }
    const demoConfig = new TextDecoder().decode(
      readZip(await fs.readFile(zipPath))[`${name}-claim/freertos/demo_config.h`],
    );
    expect(demoConfig).toContain(`#define democonfigPROVISIONING_TEMPLATE_NAME   "${name}"`);
    expect(bundle.config.templateName).toBe(name);
    expect(bundle.config.parameters).toEqual(['SerialNumber']);

    // 50 devices at once from that one claim.
    const devices = runDevices([
      '--claim',
      zipPath,
      '--param',
      'SerialNumber=SN-{i}',
      '--count',
      '50',
      '--out',
      path.join(dir, 'devices'),
      '--interval',
      '60',
      '--duration',
      '200',
    ]);
    try {
      const summary = page.getByTestId('provisioned-summary');
      await expect(async () => {
        await page.reload();
        await expect(summary).toContainText('50 provisioned, 50 connected', { timeout: 1_000 });
      }).toPass({ timeout: 150_000, intervals: [2_000] });
      const table = page.getByRole('table', { name: 'Provisioned devices' });
      await expect(table.locator('tbody tr')).toHaveCount(50);
      await expect(table.getByRole('row').filter({ hasText: `${name}-SN-7` })).toContainText('Connected');
      await expect(table.getByRole('row').filter({ hasText: `${name}-SN-50` })).toContainText('Connected');
    } finally {
      await devices.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('a trusted-user claim counts down beside its QR code, hands its bundle over once, and is refused once expired', async ({
    page,
    iot,
  }) => {
    const name = `trusted-${Date.now().toString(36)}`;
    await iot.send(
      new CreateProvisioningTemplateCommand({
        templateName: name,
        templateBody: presetTemplate({ kind: 'trusted-user', templateName: name, thingNamePrefix: `${name}-` }),
        provisioningRoleArn: 'arn:aws:iam::123456789012:role/local-iot-fleet-provisioning',
        enabled: true,
      }),
    );
    await page.goto(`/provisioning/${name}`);
    await page.getByRole('button', { name: 'Create a five-minute claim' }).click();
    const timer = page.getByRole('timer');
    await expect(timer).toHaveText(/^Time left: 0:\d\d$/);
    const qr = page.getByRole('img', { name: `QR code for the ${name} claim` });
    await expect(qr).toBeVisible();
    const payload = JSON.parse((await qr.getAttribute('data-qr-text'))!);
    expect(payload).toMatchObject({ kind: 'aws-iot-fleet-provisioning-claim', templateName: name });
    expect(JSON.stringify(payload)).not.toMatch(/PRIVATE KEY/);

    // The QR code's link serves the bundle once, to a signed-in admin.
    const first = await page.request.get(payload.bundle);
    expect(first.status()).toBe(200);
    const handed = claimFiles(new Uint8Array(await first.body()), `${name}-claim`).bundle;
    expect(handed.config.expiresAt).toBe(payload.expiresAt);
    const again = await page.request.get(payload.bundle, { failOnStatusCode: false });
    expect(again.status()).toBe(404);

    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download claim bundle' }).click();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trusted-e2e-'));
    const zipPath = path.join(dir, `${name}-claim.zip`);
    await (await downloading).saveAs(zipPath);

    try {
      // Past its life the page says so, the device simulator refuses it, and so does the broker.
      await expect(page.getByText('This claim has expired')).toBeVisible({ timeout: (E2E_CLAIM_SECONDS + 10) * 1000 });
      const device = runDevices(['--claim', zipPath, '--param', 'SerialNumber=SN-1', '--out', path.join(dir, 'd')]);
      expect(await device.exited, device.output()).toBe(2);
      expect(device.output()).toMatch(/expired/);

      const refused = await new Promise<string>((resolve) => {
        const client = mqtt.connect({
          host: handed.config.endpoint,
          port: handed.config.port,
          protocol: 'mqtts',
          key: handed.claimPrivateKeyPem,
          cert: handed.claimCertificatePem,
          ca: handed.rootCaPem,
          clientId: `expired-claim-${Date.now()}`,
          reconnectPeriod: 0,
          connectTimeout: 10_000,
        });
        client.on('connect', () => {
          client.end(true);
          resolve('connected');
        });
        client.on('error', (err) => {
          client.end(true);
          resolve(`error: ${err.message}`);
        });
        client.on('close', () => resolve('closed'));
      });
      expect(refused).not.toBe('connected');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
  test('versions with a diff, a default set back, a version deleted, the template disabled and deleted', async ({
    page,
    iot,
  }) => {
    const name = `versions-${Date.now().toString(36)}`;
    await iot.send(
      new CreateProvisioningTemplateCommand({
        templateName: name,
        templateBody: presetTemplate({ kind: 'claim', templateName: name, thingNamePrefix: 'v1-' }),
        provisioningRoleArn: 'arn:aws:iam::123456789012:role/local-iot-fleet-provisioning',
        enabled: true,
      }),
    );
    await page.goto(`/provisioning/${name}`);
    await page.locator('summary', { hasText: 'New version' }).click();
    const editor = page.getByLabel('New version');
    await editor.fill(presetTemplate({ kind: 'claim', templateName: name, thingNamePrefix: 'v2-' }));
    await expect(page.getByText('Template checks out. Devices send: SerialNumber.')).toBeVisible();
    await page.getByRole('button', { name: 'Create version' }).click();
    await expect(page.getByText('Version 2 created; devices provision with it from now on.').first()).toBeVisible();

    const versions = page.getByRole('table', { name: 'Template versions' });
    await expect(versions.getByRole('row').filter({ hasText: 'v2 (default)' })).toBeVisible();
    const compare = page.getByRole('form', { name: 'Compare versions' });
    await compare.getByLabel('From').selectOption('1');
    await compare.getByLabel('To').selectOption('2');
    await compare.getByRole('button', { name: 'Compare' }).click();
    await expect(page.getByText('Changes from v1 to v2:')).toContainText('1 added');
    await expect(page.getByRole('table', { name: 'Diff of v1 and v2' })).toContainText('"v2-"');

    await versions.getByRole('button', { name: 'Set as default (version 1)' }).click();
    // The row's buttons give way to "Default" as the page refreshes: the table is the outcome to read.
    await expect(versions.getByRole('row').filter({ hasText: 'v1 (default)' })).toBeVisible();
    page.once('dialog', (dialog) => void dialog.accept());
    await versions.getByRole('button', { name: 'Delete version 2' }).click();
    await expect(versions.locator('tbody tr')).toHaveCount(1);

    await page.getByLabel('Enabled (a disabled template refuses every device)').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText(`Template ${name} saved; it is disabled`).first()).toBeVisible();
    await page.reload();
    await expect(page.getByText('This template is disabled')).toBeVisible();

    await page.getByLabel(`Type ${name} to delete it`).fill(name);
    await page.getByRole('button', { name: 'Delete template' }).click();
    await expect(page).toHaveURL(/\/provisioning\?deleted=/);
    await expect(page.getByText(`Provisioning template "${name}" was deleted.`)).toBeVisible();
  });
});
