import fs from 'node:fs/promises';
import { randomBytes } from 'node:crypto';

import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  DescribeCACertificateCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  GetRegistrationCodeCommand,
  ListAttachedPoliciesCommand,
  ListCertificatesByCACommand,
  ListPrincipalThingsCommand,
  RegisterCACertificateCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { unzipSync } from 'fflate';
import mqtt, { type MqttClient } from 'mqtt';

import { createCa, type CaFiles } from '../lib/pki/ca';
import { createVerificationCertificate, signDeviceCertificates } from '../lib/pki/ca-issue';
import { loadCa } from '../lib/pki/ca-load';
import { expect, test } from './fixtures';
import { CasPage } from './pages/cas-page';
import { E2E_ENV, requireEnv } from './stack';

const suffix = () => randomBytes(4).toString('hex');

async function emulatorEndpoints(): Promise<{ mqttPort: number; rootCa: string }> {
  const base = requireEnv(E2E_ENV.emulatorUrl);
  const health = (await (await fetch(`${base}/_emulator/health`)).json()) as { mqttPort: number };
  const rootCa = await (await fetch(`${base}/_emulator/root-ca.pem`)).text();
  return { mqttPort: health.mqttPort, rootCa };
}

/** mqtt.js over mutual TLS, no reconnects: resolves on CONNACK, rejects when the broker closes first. */
function connectDevice(opts: {
  port: number;
  cert: string;
  key: string;
  ca: string;
  clientId: string;
}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(`mqtts://localhost:${opts.port}`, {
      clientId: opts.clientId,
      cert: opts.cert,
      key: opts.key,
      ca: opts.ca,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    const fail = (err?: Error) => {
      client.end(true);
      reject(err ?? new Error('connection closed before CONNACK'));
    };
    client.once('connect', () => {
      client.off('close', onClose);
      client.off('error', fail);
      resolve(client);
    });
    const onClose = () => fail();
    client.once('close', onClose);
    client.once('error', fail);
  });
}

/** Arrange a registered, ACTIVE CA with auto-registration through the SDK (as a script would). */
async function registerCa(iot: IoTClient, files: CaFiles): Promise<string> {
  const { registrationCode } = await iot.send(new GetRegistrationCodeCommand({}));
  const ca = await loadCa(files.certificatePem, files.privateKeyPem);
  const verification = await createVerificationCertificate(ca, registrationCode!);
  const out = await iot.send(
    new RegisterCACertificateCommand({
      caCertificate: files.certificatePem,
      verificationCertificate: verification,
      setAsActive: true,
      allowAutoRegistration: true,
    }),
  );
  return out.certificateId!;
}

test.describe('CAs, JITR and JITP', () => {
  test('a CA created in the browser registers with the browser-made verification certificate', async ({
    page,
    iot,
  }) => {
    const cas = new CasPage(page);
    const sentKeys: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && /PRIVATE KEY/.test(req.postData() ?? '')) sentKeys.push(req.url());
    });
    await cas.gotoNew();
    const name = `e2e-browser-ca-${suffix()}`;
    await cas.createInBrowser(name);

    // The key is offered at once: a zip with the certificate and the PKCS#8 key.
    const download = await cas.downloadCaZip();
    const entries = unzipSync(new Uint8Array(await fs.readFile((await download.path())!)));
    const names = Object.keys(entries).filter((n) => !n.endsWith('/'));
    expect(names.sort()).toEqual([`${name}/ca-certificate.pem`, `${name}/ca-private-key.pem`]);
    expect(new TextDecoder().decode(entries[`${name}/ca-private-key.pem`])).toContain('BEGIN PRIVATE KEY');

    await cas.registerButton.click();
    await expect(page).toHaveURL(/\/cas\/[0-9a-f]{64}\?registered=1$/, { timeout: 20_000 });
    await expect(page.getByText('CA registered', { exact: true })).toBeVisible();
    const id = /\/cas\/([0-9a-f]{64})/.exec(page.url())![1]!;
    const described = await iot.send(new DescribeCACertificateCommand({ certificateId: id }));
    expect(described.certificateDescription?.status).toBe('ACTIVE');
    expect(described.certificateDescription?.autoRegistrationStatus).toBe('ENABLE');
    expect(sentKeys).toEqual([]);

    // Listed, with its status and auto-registration.
    await cas.goto();
    const row = page.locator(`tr[data-ca-id="${id}"]`);
    await expect(row).toContainText(`CN=${name}`);
    await expect(row).toContainText('ACTIVE');

    // Registering the same CA again is refused with a link to the registered one.
    await cas.gotoNew();
    await cas.uploadCa(
      new TextDecoder().decode(entries[`${name}/ca-certificate.pem`]),
      new TextDecoder().decode(entries[`${name}/ca-private-key.pem`]),
    );
    await expect(page.getByText('Key matches the CA certificate')).toBeVisible();
    await cas.registerButton.click();
    await expect(page.getByText('This CA certificate is already registered')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Open the registered CA' })).toHaveAttribute('href', `/cas/${id}`);
    expect(sentKeys).toEqual([]);
  });

  test('a private key that is not the CA’s is refused before anything is sent', async ({ page }) => {
    const cas = new CasPage(page);
    const a = await createCa({ commonName: `e2e-a-${suffix()}` });
    const b = await createCa({ commonName: `e2e-b-${suffix()}` });
    await cas.gotoNew();
    const posts: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST') posts.push(req.url());
    });
    await cas.uploadCa(a.certificatePem, b.privateKeyPem);
    await expect(page.getByText('This private key does not belong to this CA certificate')).toBeVisible();
    await expect(page.getByLabel('CA private key file')).toHaveAttribute('aria-invalid', 'true');
    await expect(cas.registerButton).toBeDisabled();
    // A certificate where the key should be is named as such.
    await page
      .getByLabel('CA private key file')
      .setInputFiles({ name: 'x.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(a.certificatePem) });
    await expect(page.getByText('This is a certificate, not a private key')).toBeVisible();
    expect(posts).toEqual([]);

    // The matching key is accepted.
    await page
      .getByLabel('CA private key file')
      .setInputFiles({ name: 'a.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(a.privateKeyPem) });
    await expect(page.getByText('Key matches the CA certificate')).toBeVisible();
    await expect(cas.registerButton).toBeEnabled();
    expect(posts).toEqual([]);
  });

  test('JITP: a device signed in the browser provisions itself on its first connection', async ({ page, iot }) => {
    test.setTimeout(60_000);
    const cas = new CasPage(page);
    const files = await createCa({ commonName: `e2e-jitp-ca-${suffix()}` });
    const caId = await registerCa(iot, files);

    await cas.gotoCa(caId);
    await cas.attachDefaultTemplate();
    await expect(page.getByText('Provisioning template saved').first()).toBeVisible();
    const described = await iot.send(new DescribeCACertificateCommand({ certificateId: caId }));
    expect(described.registrationConfig?.templateBody).toContain('AWS::IoT::Certificate::CommonName');

    const thingName = `e2e-jitp-dev-${suffix()}`;
    await cas.gotoSign(caId);
    await cas.chooseKey(files.privateKeyPem);
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    const download = await cas.signAndDownload([thingName]);
    // Signed off the main thread, in the page's Web Worker.
    expect(workers.length).toBeGreaterThan(0);
    await expect(page.getByText('Signed 1 device certificate in')).toBeVisible();
    const zip = unzipSync(new Uint8Array(await fs.readFile((await download.path())!)));
    const text = (n: string) => new TextDecoder().decode(zip[n]);
    const manifest = text('manifest.csv').trim().split('\n');
    expect(manifest).toHaveLength(2);
    const certificateId = manifest[1]!.split(',')[1]!;
    expect(text('ca-certificate.pem')).toContain('BEGIN CERTIFICATE');

    // No API call made the device: the certificate is unknown until it connects.
    await expect(iot.send(new DescribeCertificateCommand({ certificateId }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });

    const client = await connectDevice({
      port: (await emulatorEndpoints()).mqttPort,
      cert: text(`${thingName}/certificate.pem.crt`),
      key: text(`${thingName}/private.pem.key`),
      ca: text(`${thingName}/root-ca.pem`),
      clientId: thingName,
    });
    client.end(true);

    const thing = await iot.send(new DescribeThingCommand({ thingName }));
    expect(thing.thingName).toBe(thingName);
    const cert = await iot.send(new DescribeCertificateCommand({ certificateId }));
    expect(cert.certificateDescription?.status).toBe('ACTIVE');
    const arn = cert.certificateDescription!.certificateArn!;
    const policies = await iot.send(new ListAttachedPoliciesCommand({ target: arn }));
    expect(policies.policies?.length).toBeGreaterThan(0);
    const things = await iot.send(new ListPrincipalThingsCommand({ principal: arn }));
    expect(things.things).toContain(thingName);
  });

  test('JITR: a refused device waits as PENDING_ACTIVATION and connects once activated in the page', async ({
    page,
    iot,
  }) => {
    test.setTimeout(60_000);
    const cas = new CasPage(page);
    const files = await createCa({ commonName: `e2e-jitr-ca-${suffix()}` });
    const caId = await registerCa(iot, files);
    const deviceName = `e2e-jitr-dev-${suffix()}`;
    const [device] = await signDeviceCertificates(await loadCa(files.certificatePem, files.privateKeyPem), [
      deviceName,
    ]);
    const { mqttPort, rootCa } = await emulatorEndpoints();
    const creds = {
      port: mqttPort,
      cert: device!.certificatePem,
      key: device!.privateKeyPem,
      ca: rootCa,
      clientId: deviceName,
    };

    await expect(connectDevice(creds)).rejects.toThrow();
    const listed = await iot.send(new ListCertificatesByCACommand({ caCertificateId: caId }));
    expect(listed.certificates?.map((c) => [c.certificateId, c.status])).toEqual([
      [device!.certificateId, 'PENDING_ACTIVATION'],
    ]);

    // What a JITR rule would do besides activating: give the certificate a policy that lets it connect.
    const policyName = `e2e-jitr-connect-${suffix()}`;
    await iot.send(
      new CreatePolicyCommand({
        policyName,
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }],
        }),
      }),
    );
    const arn = (await iot.send(new DescribeCertificateCommand({ certificateId: device!.certificateId })))
      .certificateDescription!.certificateArn!;
    await iot.send(new AttachPolicyCommand({ policyName, target: arn }));
    await expect(connectDevice(creds)).rejects.toThrow();

    await cas.goto();
    const row = cas.pendingRow(device!.certificateId);
    await expect(row).toContainText('PENDING_ACTIVATION');
    await cas.activate(device!.certificateId);
    await expect(row).toContainText('Activated');
    await expect(page.getByText('Certificate activated: the device can connect now.')).toBeVisible();

    const cert = await iot.send(new DescribeCertificateCommand({ certificateId: device!.certificateId }));
    expect(cert.certificateDescription?.status).toBe('ACTIVE');
    const client = await connectDevice(creds);
    client.end(true);
  });

  test('bulk activation shows progress and a result per certificate', async ({ page, iot }) => {
    test.setTimeout(60_000);
    const cas = new CasPage(page);
    const files = await createCa({ commonName: `e2e-bulk-ca-${suffix()}` });
    const caId = await registerCa(iot, files);
    const devices = await signDeviceCertificates(
      await loadCa(files.certificatePem, files.privateKeyPem),
      Array.from({ length: 3 }, (_, i) => `e2e-bulk-${suffix()}-${i}`),
    );
    const { mqttPort, rootCa } = await emulatorEndpoints();
    for (const d of devices) {
      await expect(
        connectDevice({
          port: mqttPort,
          cert: d.certificatePem,
          key: d.privateKeyPem,
          ca: rootCa,
          clientId: d.commonName,
        }),
      ).rejects.toThrow();
    }
    await cas.gotoCa(caId);
    for (const d of devices)
      await page.getByRole('checkbox', { name: `Select certificate ${d.certificateId.slice(0, 12)}` }).check();
    await page.getByRole('button', { name: 'Activate selected (3)' }).click();
    for (const d of devices) await expect(cas.pendingRow(d.certificateId)).toContainText('Activated');
    await expect(page.getByText('3 certificates activated.')).toBeVisible();
    for (const d of devices) {
      const c = await iot.send(new DescribeCertificateCommand({ certificateId: d.certificateId }));
      expect(c.certificateDescription?.status).toBe('ACTIVE');
    }
  });

  test('the template editor refuses what AWS would refuse, before saving', async ({ page, iot }) => {
    const cas = new CasPage(page);
    const files = await createCa({ commonName: `e2e-tpl-ca-${suffix()}` });
    const caId = await registerCa(iot, files);
    await cas.gotoCa(caId);
    const editor = page.getByLabel('Provisioning template');
    await editor.fill(JSON.stringify({ Resources: { b: { Type: 'AWS::S3::Bucket' } } }));
    await expect(page.getByText(/has Type "AWS::S3::Bucket"/)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save template' })).toBeDisabled();
    const described = await iot.send(new DescribeCACertificateCommand({ certificateId: caId }));
    expect(described.registrationConfig?.templateBody).toBeUndefined();

    // Delete needs an INACTIVE CA: explained, and possible after deactivating.
    await expect(page.getByText('AWS IoT deletes only an INACTIVE CA certificate')).toBeVisible();
    await page.getByRole('button', { name: 'Deactivate CA' }).click();
    await expect(page.getByText(/CA .* deactivated\./).first()).toBeVisible();
    await page.getByLabel('I understand this cannot be undone').check();
    await page.getByRole('button', { name: 'Delete CA' }).click();
    await expect(page).toHaveURL(/\/cas\?deleted=/);
    await expect(page.getByText('CA certificate deleted')).toBeVisible();
  });
});
