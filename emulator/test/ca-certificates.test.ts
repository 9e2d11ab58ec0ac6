import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DeleteCACertificateCommand,
  DeleteRegistrationCodeCommand,
  DescribeCACertificateCommand,
  DescribeCertificateCommand,
  GetRegistrationCodeCommand,
  ListCACertificatesCommand,
  ListCertificatesByCACommand,
  RegisterCACertificateCommand,
  RegisterCertificateCommand,
  UpdateCACertificateCommand,
} from '@aws-sdk/client-iot';
import { DAY, makeCa, makeCertificate, type TestCa } from '../pki/fixtures';
import { expectAwsError, startTestEmulator, type TestEmulator } from './harness';

const sha256 = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');

describe('CA certificates', () => {
  let t: TestEmulator;
  let code: string;
  before(async () => {
    t = await startTestEmulator();
    code = (await t.iot.send(new GetRegistrationCodeCommand({}))).registrationCode!;
  });
  after(() => t.close());

  /** A CA and its proof of possession: a certificate it signed whose CN is the registration code. */
  const caWithVerification = async (name?: string) => {
    const ca = await makeCa(name);
    const verification = await makeCertificate(ca, { name: `CN=${code}` });
    return { ca, verificationCertificate: verification.pem };
  };

  const register = async (ca: TestCa, verificationCertificate: string, extra: Record<string, unknown> = {}) =>
    t.iot.send(new RegisterCACertificateCommand({ caCertificate: ca.pem, verificationCertificate, ...extra }));

  describe('GetRegistrationCode', () => {
    test('is 64 lowercase hex characters and the same on every call and after a restart', async () => {
      assert.match(code, /^[0-9a-f]{64}$/);
      assert.equal((await t.iot.send(new GetRegistrationCodeCommand({}))).registrationCode, code);
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-emu-regcode-'));
      try {
        const a = await startTestEmulator({ dataDir });
        const first = (await a.iot.send(new GetRegistrationCodeCommand({}))).registrationCode;
        await a.close();
        const b = await startTestEmulator({ dataDir });
        assert.equal((await b.iot.send(new GetRegistrationCodeCommand({}))).registrationCode, first);
        await b.iot.send(new DeleteRegistrationCodeCommand({}));
        assert.notEqual((await b.iot.send(new GetRegistrationCodeCommand({}))).registrationCode, first);
        await b.close();
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe('RegisterCACertificate', () => {
    test('a CA with a verification certificate carrying the registration code registers', async () => {
      const { ca, verificationCertificate } = await caWithVerification('CN=Acme Root, O=Acme');
      const out = await register(ca, verificationCertificate, {
        registrationConfig: { templateBody: '{"Resources":{}}', roleArn: 'arn:aws:iam::123456789012:role/jitp' },
      });
      assert.equal(out.certificateId, sha256(ca.pem));
      assert.equal(out.certificateArn, `arn:aws:iot:us-east-1:123456789012:cacert/${out.certificateId}`);
      const d = await t.iot.send(new DescribeCACertificateCommand({ certificateId: out.certificateId }));
      const desc = d.certificateDescription!;
      assert.equal(desc.status, 'INACTIVE');
      assert.equal(desc.autoRegistrationStatus, 'DISABLE');
      assert.equal(desc.certificateMode, 'DEFAULT');
      assert.equal(desc.ownedBy, '123456789012');
      assert.equal(desc.customerVersion, 1);
      assert.equal(desc.validity!.notAfter!.getTime(), ca.certificate.notAfter.getTime());
      assert.equal(sha256(desc.certificatePem!), out.certificateId);
      assert.deepEqual(d.registrationConfig, {
        templateBody: '{"Resources":{}}',
        roleArn: 'arn:aws:iam::123456789012:role/jitp',
      });
    });

    test('setAsActive and allowAutoRegistration are honoured; a second registration is ResourceAlreadyExistsException', async () => {
      const { ca, verificationCertificate } = await caWithVerification();
      const out = await register(ca, verificationCertificate, { setAsActive: true, allowAutoRegistration: true });
      const d = (await t.iot.send(new DescribeCACertificateCommand({ certificateId: out.certificateId })))
        .certificateDescription!;
      assert.equal(d.status, 'ACTIVE');
      assert.equal(d.autoRegistrationStatus, 'ENABLE');
      const err = await expectAwsError(
        () => register(ca, verificationCertificate),
        'ResourceAlreadyExistsException',
        409,
      );
      assert.equal((err as unknown as { resourceId: string }).resourceId, out.certificateId);
    });

    test('a verification certificate with another CN is RegistrationCodeValidationException', async () => {
      const ca = await makeCa();
      const wrong = await makeCertificate(ca, { name: 'CN=not-the-code' });
      await expectAwsError(() => register(ca, wrong.pem), 'RegistrationCodeValidationException', 400);
    });

    test('a verification certificate signed by another key is CertificateValidationException', async () => {
      const ca = await makeCa('CN=Victim CA');
      const impostor = await makeCa('CN=Victim CA');
      const verification = await makeCertificate(impostor, { name: `CN=${code}` });
      const err = await expectAwsError(() => register(ca, verification.pem), 'CertificateValidationException', 400);
      assert.match(err.message, /not signed/);
    });

    test('DEFAULT mode needs a verification certificate; SNI_ONLY needs none and refuses one', async () => {
      const ca = await makeCa();
      await expectAwsError(
        () => t.iot.send(new RegisterCACertificateCommand({ caCertificate: ca.pem })),
        'InvalidRequestException',
        400,
      );
      const { verificationCertificate } = await caWithVerification();
      await expectAwsError(
        () =>
          t.iot.send(
            new RegisterCACertificateCommand({
              caCertificate: ca.pem,
              verificationCertificate,
              certificateMode: 'SNI_ONLY',
            }),
          ),
        'InvalidRequestException',
        400,
      );
      const out = await t.iot.send(
        new RegisterCACertificateCommand({ caCertificate: ca.pem, certificateMode: 'SNI_ONLY' }),
      );
      const d = (await t.iot.send(new DescribeCACertificateCommand({ certificateId: out.certificateId })))
        .certificateDescription!;
      assert.equal(d.certificateMode, 'SNI_ONLY');
    });

    test('a certificate that is not a CA, or is malformed or expired, is CertificateValidationException', async () => {
      const leaf = await makeCertificate(undefined, { name: 'CN=leaf' });
      await expectAwsError(
        () => t.iot.send(new RegisterCACertificateCommand({ caCertificate: leaf.pem, certificateMode: 'SNI_ONLY' })),
        'CertificateValidationException',
        400,
      );
      await expectAwsError(
        () => t.iot.send(new RegisterCACertificateCommand({ caCertificate: 'nope', certificateMode: 'SNI_ONLY' })),
        'CertificateValidationException',
        400,
      );
      const old = await makeCertificate(undefined, {
        isCa: true,
        notBefore: new Date(Date.now() - 10 * DAY),
        notAfter: new Date(Date.now() - DAY),
      });
      await expectAwsError(
        () => t.iot.send(new RegisterCACertificateCommand({ caCertificate: old.pem, certificateMode: 'SNI_ONLY' })),
        'CertificateValidationException',
        400,
      );
    });
  });

  describe('RegisterCertificate', () => {
    let ca: TestCa;
    let caId: string;
    before(async () => {
      const v = await caWithVerification('CN=Device Issuer, O=Acme');
      ca = v.ca;
      caId = (await register(ca, v.verificationCertificate, { setAsActive: true })).certificateId!;
    });

    test('a device certificate signed by a registered, active CA registers with that CA', async () => {
      const device = await makeCertificate(ca, { name: 'CN=device-1' });
      const out = await t.iot.send(
        new RegisterCertificateCommand({ certificatePem: device.pem, caCertificatePem: ca.pem, setAsActive: true }),
      );
      assert.equal(out.certificateId, sha256(device.pem));
      const d = (await t.iot.send(new DescribeCertificateCommand({ certificateId: out.certificateId })))
        .certificateDescription!;
      assert.equal(d.status, 'ACTIVE');
      assert.equal(d.caCertificateId, caId);
      assert.equal(d.certificateMode, 'DEFAULT');
      const listed = await t.iot.send(new ListCertificatesByCACommand({ caCertificateId: caId }));
      assert.deepEqual(
        listed.certificates!.map((c) => c.certificateId),
        [out.certificateId],
      );
      await expectAwsError(
        () => t.iot.send(new RegisterCertificateCommand({ certificatePem: device.pem, caCertificatePem: ca.pem })),
        'ResourceAlreadyExistsException',
        409,
      );
    });

    test('without caCertificatePem the signing CA is found by issuer and signature; status defaults to INACTIVE', async () => {
      const device = await makeCertificate(ca, { name: 'CN=device-2' });
      const out = await t.iot.send(new RegisterCertificateCommand({ certificatePem: device.pem }));
      const d = (await t.iot.send(new DescribeCertificateCommand({ certificateId: out.certificateId })))
        .certificateDescription!;
      assert.equal(d.caCertificateId, caId);
      assert.equal(d.status, 'INACTIVE');
    });

    test('a certificate signed by an unregistered CA is refused', async () => {
      const stranger = await makeCa('CN=Stranger CA');
      const device = await makeCertificate(stranger);
      await expectAwsError(
        () =>
          t.iot.send(new RegisterCertificateCommand({ certificatePem: device.pem, caCertificatePem: stranger.pem })),
        'CertificateValidationException',
        400,
      );
      await expectAwsError(
        () => t.iot.send(new RegisterCertificateCommand({ certificatePem: device.pem })),
        'CertificateValidationException',
        400,
      );
      // Naming a registered CA that did not sign it is refused too.
      await expectAwsError(
        () => t.iot.send(new RegisterCertificateCommand({ certificatePem: device.pem, caCertificatePem: ca.pem })),
        'CertificateValidationException',
        400,
      );
    });

    test('an expired device certificate is refused', async () => {
      const device = await makeCertificate(ca, {
        notBefore: new Date(Date.now() - 10 * DAY),
        notAfter: new Date(Date.now() - DAY),
      });
      await expectAwsError(
        () => t.iot.send(new RegisterCertificateCommand({ certificatePem: device.pem, caCertificatePem: ca.pem })),
        'CertificateValidationException',
        400,
      );
    });

    test('an inactive CA cannot register certificates; an SNI_ONLY CA registers them as SNI_ONLY', async () => {
      const v = await caWithVerification('CN=Sleeping CA');
      await register(v.ca, v.verificationCertificate);
      const device = await makeCertificate(v.ca);
      await expectAwsError(
        () => t.iot.send(new RegisterCertificateCommand({ certificatePem: device.pem, caCertificatePem: v.ca.pem })),
        'CertificateStateException',
        406,
      );
      const sni = await makeCa('CN=SNI CA');
      await t.iot.send(
        new RegisterCACertificateCommand({ caCertificate: sni.pem, certificateMode: 'SNI_ONLY', setAsActive: true }),
      );
      const sniDevice = await makeCertificate(sni);
      const out = await t.iot.send(
        new RegisterCertificateCommand({ certificatePem: sniDevice.pem, caCertificatePem: sni.pem }),
      );
      const d = (await t.iot.send(new DescribeCertificateCommand({ certificateId: out.certificateId })))
        .certificateDescription!;
      assert.equal(d.certificateMode, 'SNI_ONLY');
    });
  });

  describe('UpdateCACertificate, DeleteCACertificate, ListCACertificates', () => {
    test('updates status, auto-registration and the registration config', async () => {
      const { ca, verificationCertificate } = await caWithVerification();
      const { certificateId } = await register(ca, verificationCertificate);
      await t.iot.send(
        new UpdateCACertificateCommand({
          certificateId,
          newStatus: 'ACTIVE',
          newAutoRegistrationStatus: 'ENABLE',
          registrationConfig: { templateName: 'my-template' },
        }),
      );
      let d = await t.iot.send(new DescribeCACertificateCommand({ certificateId }));
      assert.equal(d.certificateDescription!.status, 'ACTIVE');
      assert.equal(d.certificateDescription!.autoRegistrationStatus, 'ENABLE');
      assert.equal(d.certificateDescription!.customerVersion, 2);
      assert.deepEqual(d.registrationConfig, { templateName: 'my-template' });
      await t.iot.send(new UpdateCACertificateCommand({ certificateId, removeAutoRegistration: true }));
      d = await t.iot.send(new DescribeCACertificateCommand({ certificateId }));
      assert.deepEqual(d.registrationConfig ?? {}, {});
      await expectAwsError(
        () => t.iot.send(new UpdateCACertificateCommand({ certificateId, newStatus: 'REVOKED' as 'ACTIVE' })),
        'InvalidRequestException',
        400,
      );
      await expectAwsError(
        () => t.iot.send(new UpdateCACertificateCommand({ certificateId: 'c'.repeat(64), newStatus: 'ACTIVE' })),
        'ResourceNotFoundException',
        404,
      );
    });

    test('an active CA cannot be deleted; an inactive one can', async () => {
      const { ca, verificationCertificate } = await caWithVerification();
      const { certificateId } = await register(ca, verificationCertificate, { setAsActive: true });
      await expectAwsError(
        () => t.iot.send(new DeleteCACertificateCommand({ certificateId })),
        'CertificateStateException',
        406,
      );
      await t.iot.send(new UpdateCACertificateCommand({ certificateId, newStatus: 'INACTIVE' }));
      await t.iot.send(new DeleteCACertificateCommand({ certificateId }));
      await expectAwsError(
        () => t.iot.send(new DescribeCACertificateCommand({ certificateId })),
        'ResourceNotFoundException',
        404,
      );
      await expectAwsError(
        () => t.iot.send(new DeleteCACertificateCommand({ certificateId })),
        'ResourceNotFoundException',
        404,
      );
    });

    test('lists CAs in pages, filtered by template name', async () => {
      const fresh = await startTestEmulator();
      try {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const ca = await makeCa(`CN=CA ${i}`);
          const out = await fresh.iot.send(
            new RegisterCACertificateCommand({
              caCertificate: ca.pem,
              certificateMode: 'SNI_ONLY',
              registrationConfig: i % 2 === 0 ? { templateName: 'even' } : undefined,
            }),
          );
          ids.push(out.certificateId!);
          await new Promise((r) => setTimeout(r, 2));
        }
        const seen: string[] = [];
        let marker: string | undefined;
        do {
          const page = await fresh.iot.send(
            new ListCACertificatesCommand({ pageSize: 2, marker, ascendingOrder: true }),
          );
          for (const c of page.certificates!) {
            assert.equal(c.status, 'INACTIVE');
            assert.match(c.certificateArn!, /:cacert\//);
            seen.push(c.certificateId!);
          }
          marker = page.nextMarker;
        } while (marker);
        assert.deepEqual(seen, ids);
        const even = await fresh.iot.send(
          new ListCACertificatesCommand({ templateName: 'even', ascendingOrder: true }),
        );
        assert.deepEqual(
          even.certificates!.map((c) => c.certificateId),
          [ids[0], ids[2], ids[4]],
        );
      } finally {
        await fresh.close();
      }
    });
  });
});
