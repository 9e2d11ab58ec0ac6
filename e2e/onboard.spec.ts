import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import {
  CreateThingCommand,
  DescribeThingCommand,
  GetPolicyCommand,
  ListAttachedPoliciesCommand,
  ListThingPrincipalsCommand,
  UpdateCertificateCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { request as playwrightRequest, type Download } from '@playwright/test';

import { projectRoot } from '../scripts/next-app';
import { clearFaults, expect, injectFault, test } from './fixtures';
import { OnboardPage } from './pages/onboard-page';
import { E2E_ENV, requireEnv } from './stack';
import { fileNamed, readDownloadedZip, unzipText } from './support/zip';
import { mosquittoPub, opensslCsr, opensslSelfSigned, tempDir, writeDeviceFiles } from './support/mosquitto';
import { findPrivateKeyFiles, findPrivateKeysInLog, NEXT_LOG_ENV } from './support/private-keys';
import { allCertificateIds } from '../emulator/test/inventory';

const run = Date.now().toString(36);
const name = (label: string) => `e2e-onb-${label}-${run}`;

async function emulator(route: string): Promise<Response> {
  return fetch(`${requireEnv(E2E_ENV.emulatorUrl)}/_emulator/${route}`);
}

const notFound = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err?.name, 'expected ResourceNotFoundException').toBe('ResourceNotFoundException');
};

/**
 * Opens the bundle, checks its files, and proves it with mosquitto_pub against the local IoT Core: publishing
 * works, and stops working once the certificate is deactivated.
 */
async function proveBundle(opts: {
  iot: IoTClient;
  download: Download;
  thingName: string;
  dir: string;
  /** The key the spec holds (own certificate / own CSR); otherwise the bundle must carry it. */
  heldKeyPem?: string;
}) {
  const { iot, download, thingName, dir } = opts;
  expect(download.suggestedFilename()).toBe(`${thingName}-credentials.zip`);
  const files = await readDownloadedZip(download);
  for (const f of ['README.md', 'certificate.pem.crt', 'root-ca.pem', 'config/device.json']) {
    expect(
      Object.keys(files).some((p) => p.endsWith(`/${f}`)),
      `${f} in the bundle`,
    ).toBe(true);
  }
  const certPem = fileNamed(files, 'certificate.pem.crt');
  const rootCaPem = fileNamed(files, 'root-ca.pem');
  expect(certPem).toContain('-----BEGIN CERTIFICATE-----');
  expect(rootCaPem.trim()).toBe((await (await emulator('root-ca.pem')).text()).trim());

  const keyInZip = Object.keys(files).find((p) => p.endsWith('/private.pem.key'));
  if (opts.heldKeyPem) {
    expect(keyInZip, 'no private key in a bundle for a key the operator holds').toBeUndefined();
  } else {
    expect(keyInZip, 'the private key is in the bundle').toBeDefined();
    expect(files[keyInZip!]).toMatch(/-----BEGIN (RSA |EC )?PRIVATE KEY-----/);
  }

  const device = JSON.parse(fileNamed(files, 'config/device.json')) as {
    endpoint: string;
    port: number;
    clientId: string;
    certificateId: string;
  };
  const health = (await (await emulator('health')).json()) as { mqttPort: number };
  expect(device.port).toBe(health.mqttPort);
  expect(device.clientId).toBe(thingName);

  // What AWS now holds: the certificate on the thing, the policy on the certificate.
  const principals = (await iot.send(new ListThingPrincipalsCommand({ thingName }))).principals ?? [];
  expect(principals).toHaveLength(1);
  expect(principals[0]).toContain(device.certificateId);
  const policies = (await iot.send(new ListAttachedPoliciesCommand({ target: principals[0] }))).policies ?? [];
  expect(policies.map((p) => p.policyName)).toEqual([`${thingName}-policy`]);

  const deviceFiles = await writeDeviceFiles(dir, { rootCaPem, certPem, keyPem: opts.heldKeyPem ?? files[keyInZip!]! });
  const pub = () =>
    mosquittoPub({
      files: deviceFiles,
      host: device.endpoint,
      port: device.port,
      clientId: thingName,
      topic: `${thingName}/telemetry`,
    });
  const ok = await pub();
  expect(ok.code, `mosquitto_pub: ${ok.output}`).toBe(0);

  await iot.send(new UpdateCertificateCommand({ certificateId: device.certificateId, newStatus: 'INACTIVE' }));
  const refused = await pub();
  expect(refused.code, 'a deactivated certificate is refused').not.toBe(0);
  return { files, device };
}

test.describe('Onboard a device', () => {
  test.describe.configure({ timeout: 90_000 });

  let tmp: Awaited<ReturnType<typeof tempDir>>;
  test.beforeAll(async () => {
    tmp = await tempDir('onboard');
  });
  test.afterAll(async () => {
    await clearFaults();
    await tmp?.remove();
  });
  test.afterEach(async () => {
    await clearFaults();
  });

  test('(a) a key made in the browser: one screen, a bundle that mosquitto_pub connects with', async ({
    page,
    iot,
  }) => {
    const onboard = new OnboardPage(page);
    const thingName = name('browser');
    await onboard.goto();
    await expect(onboard.heading).toBeVisible();
    await expect(onboard.credentialMode('Key made in this browser')).toBeChecked();
    await onboard.fill({ thingName });
    await page.getByRole('button', { name: 'Add attribute' }).click();
    await page.getByLabel('Attribute 1 name').fill('site');
    await page.getByLabel('Attribute 1 value').fill('lab');
    const download = await onboard.onboardAndDownload();

    const summary = onboard.summary(thingName);
    await expect(summary).toBeVisible();
    await expect(summary).toContainText('The private key is only in this download');
    await expect(summary.getByRole('button', { name: 'Copy endpoint' })).toBeVisible();
    await expect(summary.getByRole('button', { name: 'Copy client id' })).toBeVisible();
    await expect(summary.getByRole('button', { name: 'Copy topic' })).toBeVisible();
    for (const id of ['keys', 'thing', 'certificate', 'policy', 'attach-policy', 'attach-thing']) {
      await expect(onboard.step(id)).toHaveAttribute('data-status', 'done');
    }
    const thing = await iot.send(new DescribeThingCommand({ thingName }));
    expect(thing.attributes).toEqual({ site: 'lab' });

    // A later re-download (server-built): certificate and settings, never the key.
    const again = await page.request.get(`/api/things/${thingName}/bundle`);
    expect(again.status()).toBe(200);
    expect(again.headers()['cache-control']).toContain('no-store');
    const redownloaded = unzipText(new Uint8Array(await again.body()));
    expect(Object.keys(redownloaded).some((p) => p.endsWith('/private.pem.key'))).toBe(false);
    expect(fileNamed(redownloaded, 'README.md')).toContain('private key is not included');

    const { files } = await proveBundle({ iot, download, thingName, dir: await dirFor('a') });
    // The browser-made key is PKCS#8 and its CSR named the thing.
    expect(fileNamed(files, 'private.pem.key')).toContain('-----BEGIN PRIVATE KEY-----');
  });

  test('(b) AWS-generated keys: the key reaches the bundle and works', async ({ page, iot }) => {
    const onboard = new OnboardPage(page);
    const thingName = name('awskeys');
    await onboard.goto();
    await onboard.fill({ thingName, mode: 'AWS-generated keys' });
    const download = await onboard.onboardAndDownload();
    await expect(onboard.summary(thingName)).toContainText('The private key is only in this download');
    await expect(onboard.step('certificate')).toHaveAttribute('data-status', 'done');
    await proveBundle({ iot, download, thingName, dir: await dirFor('b') });
  });

  test('(c) my own self-signed certificate (openssl), registered without a CA', async ({ page, iot }) => {
    const onboard = new OnboardPage(page);
    const thingName = name('owncert');
    const dir = await dirFor('c');
    const own = await opensslSelfSigned(dir, thingName);
    await onboard.goto();
    await onboard.fill({ thingName, mode: 'My own certificate', certificatePem: own.certPem });
    const download = await onboard.onboardAndDownload();
    await expect(onboard.summary(thingName)).toContainText('No private key in this bundle');
    const { files } = await proveBundle({ iot, download, thingName, dir, heldKeyPem: own.keyPem });
    expect(fileNamed(files, 'certificate.pem.crt').trim()).toBe(own.certPem.trim());
  });

  test("(c') my own CSR (openssl), uploaded as a file", async ({ page, iot }) => {
    const onboard = new OnboardPage(page);
    const thingName = name('owncsr');
    const dir = await dirFor('csr');
    const own = await opensslCsr(dir, thingName);
    await onboard.goto();
    await onboard.fill({ thingName, mode: 'My own CSR' });
    await onboard.csrUpload.setInputFiles(own.csrFile);
    await expect(onboard.csrPem).toHaveValue(/BEGIN CERTIFICATE REQUEST/);
    const download = await onboard.onboardAndDownload();
    await expect(onboard.summary(thingName)).toBeVisible();
    await proveBundle({ iot, download, thingName, dir, heldKeyPem: own.keyPem });
  });

  test('a thing name that already exists is refused beside the field, before anything is created', async ({
    page,
    iot,
  }) => {
    const thingName = name('taken');
    await iot.send(new CreateThingCommand({ thingName }));
    const before = await allCertificateIds(iot);
    const onboard = new OnboardPage(page);
    await onboard.goto();
    await onboard.fill({ thingName });
    await onboard.submit.click();
    await expect(onboard.thingNameError).toContainText('already exists');
    await expect(onboard.thingName).toHaveAttribute('aria-invalid', 'true');
    await expect(onboard.formMessage).toContainText('Nothing was created');
    await expect(onboard.progress).toHaveCount(0);
    expect(await allCertificateIds(iot)).toEqual(before);
    await notFound(iot.send(new GetPolicyCommand({ policyName: `${thingName}-policy` })));
  });

  test('bad input is refused beside its field without any AWS call', async ({ page }) => {
    const onboard = new OnboardPage(page);
    await onboard.goto();
    await onboard.fill({
      thingName: 'no spaces allowed',
      mode: 'My own certificate',
      certificatePem: 'not a certificate',
    });
    await onboard.submit.click();
    await expect(onboard.thingNameError).toHaveText(
      'A thing name can use letters, digits, and : _ - only (no spaces).',
    );
    // The policy name, derived from the thing name and untouched, is not flagged for the same mistake.
    await expect(page.locator('#policyName-error')).toBeEmpty();
    await expect(page.locator('#certificatePem-error')).toContainText('not a PEM certificate');
    await expect(onboard.progress).toHaveCount(0);
  });

  // InvalidRequestException: an error the SDK does not retry (it retries throttling, which includes
  // LimitExceededException, and 5xx by itself, so a count-1 fault of those would just be absorbed).
  const faults: { operation: string; error: string; step: string; label: RegExp }[] = [
    { operation: 'CreateThing', error: 'InvalidRequestException', step: 'thing', label: /Create thing/ },
    {
      operation: 'CreateCertificateFromCsr',
      error: 'InvalidRequestException',
      step: 'certificate',
      label: /CreateCertificateFromCsr/,
    },
    { operation: 'CreatePolicy', error: 'InvalidRequestException', step: 'policy', label: /Create policy/ },
    { operation: 'AttachPolicy', error: 'InvalidRequestException', step: 'attach-policy', label: /Attach policy/ },
    {
      operation: 'AttachThingPrincipal',
      error: 'InvalidRequestException',
      step: 'attach-thing',
      label: /Attach the certificate to thing/,
    },
  ];
  for (const fault of faults) {
    test(`a failure at ${fault.operation} leaves nothing behind and names the step`, async ({ page, iot }) => {
      const thingName = name(`fault-${fault.step}`);
      const certificatesBefore = await allCertificateIds(iot);
      await injectFault({ operation: fault.operation, error: fault.error, count: 1 });

      const onboard = new OnboardPage(page);
      await onboard.goto();
      await onboard.fill({ thingName });
      await onboard.submit.click();

      await expect(onboard.failure).toBeVisible();
      await expect(onboard.failure).toContainText(fault.label);
      await expect(onboard.failure).toContainText(/safe to retry/);
      await expect(onboard.step(fault.step)).toHaveAttribute('data-status', 'failed');
      await expect(onboard.progress.locator('li[data-status="left"]')).toHaveCount(0);
      await expect(onboard.progress.locator('li[data-status="running"]')).toHaveCount(0);

      // Nothing left: no thing, no new certificate, no policy made by the run.
      await notFound(iot.send(new DescribeThingCommand({ thingName })));
      expect(await allCertificateIds(iot)).toEqual(certificatesBefore);
      await notFound(iot.send(new GetPolicyCommand({ policyName: `${thingName}-policy` })));

      // The same form succeeds once the fault is gone, with what the operator typed still there.
      await expect(onboard.thingName).toHaveValue(thingName);
      const download = await onboard.onboardAndDownload();
      await expect(onboard.summary(thingName)).toBeVisible();
      expect(download.suggestedFilename()).toBe(`${thingName}-credentials.zip`);
    });
  }

  test('the bundle route without a session answers 401', async () => {
    const anonymous = await playwrightRequest.newContext({ baseURL: requireEnv(E2E_ENV.baseUrl) });
    try {
      const res = await anonymous.get(`/api/things/${name('browser')}/bundle`);
      expect(res.status()).toBe(401);
      expect(res.headers()['content-type']).toContain('application/json');
    } finally {
      await anonymous.dispose();
    }
  });

  test('the bundle route refuses a bad name and a thing without an active certificate', async ({ page, iot }) => {
    expect((await page.request.get('/api/things/bad%20name/bundle')).status()).toBe(400);
    expect((await page.request.get(`/api/things/${name('nothing-here')}/bundle`)).status()).toBe(404);
    const bare = name('bare');
    await iot.send(new CreateThingCommand({ thingName: bare }));
    const res = await page.request.get(`/api/things/${bare}/bundle`);
    expect(res.status()).toBe(404);
    expect(((await res.json()) as { error: string }).error).toContain('no ACTIVE certificate');
  });

  test('Settings shows the mode, region, data endpoint, MQTT port and the root CA to download', async ({ page }) => {
    await page.goto('/settings');
    const connection = page.getByRole('definition').filter({ hasText: 'localhost' });
    await expect(connection.first()).toBeVisible();
    const health = (await (await emulator('health')).json()) as { mqttPort: number };
    await expect(page.getByLabel('Device connection')).toContainText(String(health.mqttPort));
    await expect(page.getByText('us-east-1').first()).toBeVisible();
    const rootCa = (await (await emulator('root-ca.pem')).text()).trim();
    await expect(page.getByLabel('Root CA PEM')).toContainText(rootCa.split('\n')[1]!);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: /^Download root-ca\.pem/ }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('root-ca.pem');
    expect((await readFile(await file.path(), 'utf8')).trim()).toBe(rootCa);
  });

  test('no private key was written to the working tree or the Next server log', async () => {
    expect(findPrivateKeyFiles(projectRoot)).toEqual([]);
    expect(findPrivateKeysInLog(requireEnv(NEXT_LOG_ENV))).toBe(0);
  });

  async function dirFor(label: string): Promise<string> {
    const dir = path.join(tmp.dir, label);
    await mkdir(dir, { recursive: true });
    return dir;
  }
});
