import { createHash, X509Certificate as NodeX509 } from 'node:crypto';

import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  DeleteCertificateCommand,
  DeletePolicyCommand,
  DeleteThingCommand,
  DescribeCertificateCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  GetRegistrationCodeCommand,
  ListPrincipalThingsCommand,
  ListTargetsForPolicyCommand,
  ListThingPrincipalsCommand,
  RegisterCACertificateCommand,
  RegisterCertificateWithoutCACommand,
  UpdateCertificateCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { request as playwrightRequest } from '@playwright/test';

import { x509 } from '../lib/pki/x509';
import { expect, test as base } from './fixtures';
import { CertificatesPage } from './pages/certificates-page';
import { E2E_ENV, requireEnv } from './stack';
import { allCertificateIds } from '../emulator/test/inventory';

const test = base.extend<{ certs: CertificatesPage }>({
  certs: async ({ page }, use) => {
    await use(new CertificatesPage(page));
  },
});

const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const DAY = 86_400_000;
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** `AA:BB:...` SHA-256 of the certificate's DER, computed here independently of the app. */
function sha256OfDer(pem: string): string {
  const der = Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''), 'base64');
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

const idOf = (pem: string) => createHash('sha256').update(new NodeX509(pem).raw).digest('hex');

async function keys(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function selfSignedPem(
  cn: string,
  opts: { notAfter?: Date; ca?: boolean; keyPair?: CryptoKeyPair } = {},
): Promise<string> {
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Date.now().toString(16),
    name: `CN=${cn}, O=E2E`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: opts.notAfter ?? new Date(Date.now() + 30 * DAY),
    keys: opts.keyPair ?? (await keys()),
    signingAlgorithm: RSA,
    extensions: opts.ca ? [new x509.BasicConstraintsExtension(true, undefined, true)] : [],
  });
  return cert.toString('pem');
}

async function signedPem(subject: string, issuer: string, signingKey: CryptoKey): Promise<string> {
  const leafKeys = await keys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Date.now().toString(16),
    subject,
    issuer,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    publicKey: leafKeys.publicKey,
    signingKey,
    signingAlgorithm: RSA,
  });
  return cert.toString('pem');
}

async function createCertificate(iot: IoTClient, active = true) {
  const out = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: active }));
  return { id: out.certificateId!, arn: out.certificateArn!, pem: out.certificatePem! };
}

async function statusOf(iot: IoTClient, certificateId: string): Promise<string | undefined> {
  const out = await iot.send(new DescribeCertificateCommand({ certificateId }));
  return out.certificateDescription?.status;
}

/** Best-effort removal of what a test made, in AWS's order. */
async function removeCertificate(iot: IoTClient, id: string) {
  try {
    await iot.send(new UpdateCertificateCommand({ certificateId: id, newStatus: 'INACTIVE' }));
  } catch {
    /* revoked or gone */
  }
  try {
    await iot.send(new DeleteCertificateCommand({ certificateId: id, forceDelete: true }));
  } catch {
    /* gone */
  }
}

test.describe('Certificates', () => {
  test('a certificate made with the SDK is listed, and its page shows the right fingerprint and key size', async ({
    iot,
    certs,
    page,
  }) => {
    const cert = await createCertificate(iot);
    try {
      await certs.goto();
      await expect(certs.heading).toBeVisible();
      const row = certs.row(cert.id);
      await expect(row).toBeVisible();
      await expect(row).toContainText('ACTIVE');
      await expect(row).toContainText('AWS IoT issuing CA');
      await expect(row).toContainText('None'); // no things attached

      await certs.idLink(cert.id).click();
      await expect(page).toHaveURL(new RegExp(`/certificates/${cert.id}$`));
      await expect(certs.fingerprint).toHaveText(sha256OfDer(cert.pem));
      await expect(certs.keyDescription).toHaveText('RSA 2048');
      await expect(certs.statusBadge).toHaveText('ACTIVE');
      await expect(certs.fact('Certificate ID')).toContainText(cert.id);
      await expect(page.getByText('-----BEGIN CERTIFICATE-----').first()).toBeVisible();
    } finally {
      await removeCertificate(iot, cert.id);
    }
  });

  test('the status filter shows only certificates in that status', async ({ iot, certs }) => {
    const active = await createCertificate(iot, true);
    const inactive = await createCertificate(iot, false);
    try {
      await certs.goto();
      await certs.page.getByLabel('Status').selectOption('INACTIVE');
      await certs.page.getByRole('button', { name: 'Apply filter' }).click();
      await expect(certs.page).toHaveURL(/status=INACTIVE/);
      await expect(certs.row(inactive.id)).toBeVisible();
      await expect(certs.row(active.id)).toHaveCount(0);
    } finally {
      await removeCertificate(iot, active.id);
      await removeCertificate(iot, inactive.id);
    }
  });

  test('deactivating sets the certificate INACTIVE', async ({ iot, certs }) => {
    const cert = await createCertificate(iot);
    try {
      await certs.gotoCertificate(cert.id);
      await certs.button('Deactivate').click();
      await expect(certs.statusBadge).toHaveText('INACTIVE');
      await expect(certs.notice('deactivated')).toBeVisible();
      expect(await statusOf(iot, cert.id)).toBe('INACTIVE');
      // And back again.
      await certs.button('Activate').click();
      await expect(certs.statusBadge).toHaveText('ACTIVE');
      expect(await statusOf(iot, cert.id)).toBe('ACTIVE');
    } finally {
      await removeCertificate(iot, cert.id);
    }
  });

  test('revoking asks for confirmation, explains it is final, and Cancel changes nothing', async ({ iot, certs }) => {
    const cert = await createCertificate(iot);
    try {
      await certs.gotoCertificate(cert.id);
      await certs.button('Revoke…').click();
      const dialog = certs.dialog(/Revoke certificate/);
      await expect(dialog).toBeVisible();
      await expect(dialog).toContainText('Revoking is final');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect(dialog).toBeHidden();
      expect(await statusOf(iot, cert.id)).toBe('ACTIVE');

      await certs.button('Revoke…').click();
      await certs
        .dialog(/Revoke certificate/)
        .getByRole('button', { name: 'Revoke certificate' })
        .click();
      await expect(certs.statusBadge).toHaveText('REVOKED');
      expect(await statusOf(iot, cert.id)).toBe('REVOKED');
      // A revoked certificate cannot come back.
      await expect(certs.button('Activate')).toHaveCount(0);
      await expect(certs.button('Revoke…')).toHaveCount(0);
    } finally {
      await removeCertificate(iot, cert.id);
    }
  });

  test('a refusal from AWS is shown in plain words', async ({ iot, certs }) => {
    const cert = await createCertificate(iot);
    try {
      await certs.gotoCertificate(cert.id);
      // Someone revokes it elsewhere while the page is open; activating it then fails with CertificateStateException.
      await iot.send(new UpdateCertificateCommand({ certificateId: cert.id, newStatus: 'INACTIVE' }));
      await certs.page.reload();
      await iot.send(new UpdateCertificateCommand({ certificateId: cert.id, newStatus: 'REVOKED' }));
      await certs.button('Activate').click();
      await expect(
        certs.page.getByRole('main').getByRole('alert').filter({ hasText: 'would not activate it' }).first(),
      ).toBeVisible();
      expect(await statusOf(iot, cert.id)).toBe('REVOKED');
    } finally {
      await removeCertificate(iot, cert.id);
    }
  });

  test('delete detaches its policy and thing, then deletes it', async ({ iot, certs, page }) => {
    const cert = await createCertificate(iot);
    const suffix = unique();
    const policyName = `e2e-cert-policy-${suffix}`;
    const thingName = `e2e-cert-thing-${suffix}`;
    await iot.send(
      new CreatePolicyCommand({
        policyName,
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }],
        }),
      }),
    );
    await iot.send(new CreateThingCommand({ thingName }));
    await iot.send(new AttachPolicyCommand({ policyName, target: cert.arn }));
    await iot.send(new AttachThingPrincipalCommand({ thingName, principal: cert.arn }));
    try {
      await certs.gotoCertificate(cert.id);
      const things = page.getByRole('region', { name: 'Attached things' });
      const policies = page.getByRole('region', { name: 'Attached policies' });
      await expect(things.getByRole('link', { name: thingName })).toHaveAttribute('href', `/things/${thingName}`);
      await expect(policies.getByRole('link', { name: policyName })).toHaveAttribute('href', `/policies/${policyName}`);

      await certs.button('Delete…').click();
      const dialog = certs.dialog(/Delete certificate/);
      await expect(dialog).toContainText(policyName);
      await expect(dialog).toContainText(thingName);
      await expect(dialog).toContainText('Set it INACTIVE');
      await dialog.getByRole('button', { name: 'Delete certificate' }).click();

      await expect(page).toHaveURL(/\/certificates\?deleted=/);
      const notice = certs.notice(/deleted/);
      await expect(notice).toContainText(`Detached policies: ${policyName}`);
      await expect(notice).toContainText(`Detached things: ${thingName}`);
      await expect(certs.row(cert.id)).toHaveCount(0);

      await expect(iot.send(new DescribeCertificateCommand({ certificateId: cert.id }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
      const targets = await iot.send(new ListTargetsForPolicyCommand({ policyName }));
      expect(targets.targets ?? []).toEqual([]);
      const principals = await iot.send(new ListThingPrincipalsCommand({ thingName }));
      expect(principals.principals ?? []).toEqual([]);
      const principalThings = await iot
        .send(new ListPrincipalThingsCommand({ principal: cert.arn }))
        .catch(() => ({ things: [] }));
      expect(principalThings.things ?? []).toEqual([]);
    } finally {
      await iot.send(new DetachPolicyCommand({ policyName, target: cert.arn })).catch(() => {});
      await iot.send(new DetachThingPrincipalCommand({ thingName, principal: cert.arn })).catch(() => {});
      await removeCertificate(iot, cert.id);
      await iot.send(new DeletePolicyCommand({ policyName })).catch(() => {});
      await iot.send(new DeleteThingCommand({ thingName })).catch(() => {});
    }
  });

  test('registers a self-signed certificate pasted into the form', async ({ iot, certs, page }) => {
    const pem = await selfSignedPem(`e2e-pasted-${unique()}`);
    const id = idOf(pem);
    try {
      await certs.gotoRegister();
      await certs.certificateField.fill(pem);
      await certs.certificateField.blur();
      await expect(page.getByRole('status', { name: 'Certificate (PEM) preview' })).toContainText('self-signed');
      await certs.submit.click();

      await expect(page).toHaveURL(new RegExp(`/certificates/${id}\\?registered=1$`));
      await expect(page.getByText('Certificate registered')).toBeVisible();
      await expect(certs.statusBadge).toHaveText('ACTIVE');
      await expect(certs.fingerprint).toHaveText(sha256OfDer(pem));
      const described = await iot.send(new DescribeCertificateCommand({ certificateId: id }));
      expect(described.certificateDescription?.status).toBe('ACTIVE');
      expect(described.certificateDescription?.certificateMode).toBe('SNI_ONLY');
    } finally {
      await removeCertificate(iot, id);
    }
  });

  test('registers a certificate uploaded as a file, INACTIVE when asked', async ({ iot, certs, page }) => {
    const pem = await selfSignedPem(`e2e-uploaded-${unique()}`);
    const id = idOf(pem);
    try {
      await certs.gotoRegister();
      await certs.certificateUpload.setInputFiles({
        name: 'device.pem.crt',
        mimeType: 'application/x-pem-file',
        buffer: Buffer.from(pem),
      });
      await expect(certs.certificateField).toHaveValue(pem);
      await expect(page.getByRole('status', { name: 'Certificate (PEM) preview' })).toBeVisible();
      await page.getByLabel('Status after registering').selectOption('INACTIVE');
      await certs.submit.click();

      await expect(page).toHaveURL(new RegExp(`/certificates/${id}`));
      await expect(certs.statusBadge).toHaveText('INACTIVE');
      expect(await statusOf(iot, id)).toBe('INACTIVE');
    } finally {
      await removeCertificate(iot, id);
    }
  });

  test('a malformed PEM, a binary file and a key file are refused beside the field, and nothing is created', async ({
    iot,
    certs,
    page,
  }) => {
    const before = await allCertificateIds(iot);
    await certs.gotoRegister();

    // Malformed: a certificate block with damaged contents.
    await certs.certificateField.fill('-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n');
    await certs.submit.click();
    await expect(certs.certificateError).toContainText('not valid base64');
    await expect(certs.certificateField).toHaveAttribute('aria-invalid', 'true');

    // A binary file that is not a certificate.
    await certs.certificateUpload.setInputFiles({
      name: 'photo.png',
      mimeType: 'image/png',
      buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
    });
    await expect(certs.certificateError).toContainText('binary file');

    // A text file holding a private key instead.
    await certs.certificateUpload.setInputFiles({
      name: 'device.private.key',
      mimeType: 'text/plain',
      buffer: Buffer.from('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n'),
    });
    await expect(certs.certificateError).toContainText('a private key, not a certificate');
    await certs.submit.click();
    await expect(certs.certificateError).toContainText('private key');

    // A file over 64 KB is refused before it is read.
    await certs.certificateUpload.setInputFiles({
      name: 'big.pem',
      mimeType: 'text/plain',
      buffer: Buffer.alloc(70 * 1024, 'A'),
    });
    await expect(certs.certificateError).toContainText('at most 64 KB');

    await expect(page).toHaveURL(/\/certificates\/register$/);
    expect(await allCertificateIds(iot)).toEqual(before);
  });

  test('an expired certificate is refused before it is sent', async ({ iot, certs }) => {
    const before = await allCertificateIds(iot);
    const keyPair = await keys();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=e2e-expired',
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
      keys: keyPair,
      signingAlgorithm: RSA,
    });
    await certs.gotoRegister();
    await certs.certificateField.fill(cert.toString('pem'));
    await certs.submit.click();
    await expect(certs.certificateError).toContainText('expired');
    expect(await allCertificateIds(iot)).toEqual(before);
  });

  test('a certificate registered already links to the existing one', async ({ iot, certs, page }) => {
    const pem = await selfSignedPem(`e2e-twice-${unique()}`);
    const out = await iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: pem, status: 'INACTIVE' }));
    try {
      await certs.gotoRegister();
      await certs.certificateField.fill(pem);
      await certs.submit.click();
      await expect(certs.certificateError).toContainText('already registered');
      await page.getByRole('link', { name: `Open certificate ${out.certificateId!.slice(0, 10)}…` }).click();
      await expect(page).toHaveURL(new RegExp(`/certificates/${out.certificateId}$`));
    } finally {
      await removeCertificate(iot, out.certificateId!);
    }
  });

  test('registers a certificate with its registered CA, and refuses one the CA did not sign', async ({
    iot,
    certs,
    page,
  }) => {
    const caName = `E2E CA ${unique()}`;
    const caKeys = await keys();
    const caPem = await selfSignedPem(caName, { ca: true, keyPair: caKeys });
    const { registrationCode } = await iot.send(new GetRegistrationCodeCommand({}));
    const verificationPem = await signedPem(`CN=${registrationCode}`, `CN=${caName}, O=E2E`, caKeys.privateKey);
    const ca = await iot.send(
      new RegisterCACertificateCommand({
        caCertificate: caPem,
        verificationCertificate: verificationPem,
        setAsActive: true,
      }),
    );
    const devicePem = await signedPem(`CN=e2e-ca-device-${unique()}`, `CN=${caName}, O=E2E`, caKeys.privateKey);
    const deviceId = idOf(devicePem);
    const strangerPem = await selfSignedPem(`e2e-stranger-${unique()}`);
    try {
      await certs.gotoRegister();
      await page.getByLabel('A CA registered in AWS IoT').check();
      await expect(page.getByText('The CA must already be registered')).toBeVisible();

      // A certificate this CA did not sign is refused beside the CA field, before anything is sent.
      await certs.certificateField.fill(strangerPem);
      await certs.caField.fill(caPem);
      await certs.submit.click();
      await expect(certs.caError).toContainText('did not sign');

      await certs.certificateField.fill(devicePem);
      await certs.submit.click();
      await expect(page).toHaveURL(new RegExp(`/certificates/${deviceId}`));
      await expect(certs.fact('CA')).toContainText('Registered CA');
      const described = await iot.send(new DescribeCertificateCommand({ certificateId: deviceId }));
      expect(described.certificateDescription?.caCertificateId).toBe(ca.certificateId);
    } finally {
      await removeCertificate(iot, deviceId);
    }
  });

  test('the PEM downloads as a file, from the button and from the route', async ({ iot, certs, page }) => {
    const cert = await createCertificate(iot);
    try {
      const res = await page.request.get(`/api/certificates/${cert.id}/pem`);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toContain('application/x-pem-file');
      expect(res.headers()['content-disposition']).toBe(
        `attachment; filename="${cert.id.slice(0, 10)}-certificate.pem.crt"`,
      );
      expect((await res.text()).trim()).toBe(cert.pem.trim());

      await certs.gotoCertificate(cert.id);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download PEM' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`${cert.id.slice(0, 10)}-certificate.pem.crt`);

      const missing = await page.request.get(`/api/certificates/${'0'.repeat(64)}/pem`);
      expect(missing.status()).toBe(404);
      const bad = await page.request.get('/api/certificates/..%2Fetc%2Fpasswd/pem');
      expect(bad.status()).toBe(400);
    } finally {
      await removeCertificate(iot, cert.id);
    }
  });

  test('the PEM route refuses a request without a session', async ({ iot }) => {
    const cert = await createCertificate(iot);
    const anonymous = await playwrightRequest.newContext({ baseURL: requireEnv(E2E_ENV.baseUrl) });
    try {
      const res = await anonymous.get(`/api/certificates/${cert.id}/pem`);
      expect(res.status()).toBe(401);
      expect(await res.text()).not.toContain('BEGIN CERTIFICATE');
    } finally {
      await anonymous.dispose();
      await removeCertificate(iot, cert.id);
    }
  });

  test('an unknown certificate id shows the not-found page', async ({ page }) => {
    // The page streams (it has a loading state), so the not-found page may arrive with status 200.
    await page.goto(`/certificates/${'f'.repeat(64)}`);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await page.goto('/certificates/not-a-certificate-id');
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  });
});
