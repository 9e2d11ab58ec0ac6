import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateCertificateFromCsrCommand,
  CreateKeysAndCertificateCommand,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ListCertificatesByCACommand,
  ListCertificatesCommand,
  RegisterCertificateWithoutCACommand,
  UpdateCertificateCommand,
  type CertificateStatus,
} from '@aws-sdk/client-iot';
import { x509 } from '../../lib/pki/x509';
import { DAY, makeCertificate, makeCsr, makeCsrWithBrokenSignature, type KeyKind } from '../pki/fixtures';
import { pairKey } from '../store/records';
import { expectAwsError, startTestEmulator, type TestEmulator } from './harness';

const sha256 = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');
const spki = (key: ReturnType<typeof createPublicKey>) => key.export({ type: 'spki', format: 'der' }).toString('hex');

describe('certificates', () => {
  let t: TestEmulator;
  let issuingCa: X509Certificate;
  before(async () => {
    t = await startTestEmulator();
    issuingCa = new X509Certificate(t.emulator.context.pki.issuing.certificatePem);
  });
  after(() => t.close());

  const describeCert = async (certificateId: string) =>
    (await t.iot.send(new DescribeCertificateCommand({ certificateId }))).certificateDescription!;

  /** An inactive certificate to exercise status and deletion rules on. */
  const newCert = async (setAsActive = false) =>
    t.iot.send(
      new CreateCertificateFromCsrCommand({ certificateSigningRequest: (await makeCsr('p256')).pem, setAsActive }),
    );

  describe('CreateKeysAndCertificate', () => {
    test('returns a key pair whose public key is the certificate’s, issued by the emulator’s CA', async () => {
      const out = await t.iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
      const cert = new X509Certificate(out.certificatePem!);
      assert.equal(out.certificateId, sha256(cert.raw));
      assert.equal(out.certificateArn, `arn:aws:iot:us-east-1:123456789012:cert/${out.certificateId}`);
      assert.match(out.keyPair!.PrivateKey!, /^-----BEGIN RSA PRIVATE KEY-----/);
      assert.match(out.keyPair!.PublicKey!, /^-----BEGIN PUBLIC KEY-----/);
      const priv = createPrivateKey(out.keyPair!.PrivateKey!);
      assert.equal(priv.asymmetricKeyDetails?.modulusLength, 2048);
      assert.equal(spki(createPublicKey(priv)), spki(cert.publicKey));
      assert.equal(spki(createPublicKey(out.keyPair!.PublicKey!)), spki(cert.publicKey));
      assert.ok(cert.verify(issuingCa.publicKey), 'signed by the issuing CA');
      assert.ok(cert.checkIssued(issuingCa), 'issuer name and key id chain to the issuing CA');
      assert.equal(cert.subject, 'CN=AWS IoT Certificate');
      assert.equal(new Date(cert.validTo).toISOString(), '2049-12-31T23:59:59.000Z');
      assert.equal(cert.ca, false);

      const d = await describeCert(out.certificateId!);
      assert.equal(d.status, 'ACTIVE');
      assert.equal(d.certificateMode, 'DEFAULT');
      // As AWS answers for its own certificates: DEFAULT mode, no caCertificateId.
      assert.equal(d.caCertificateId, undefined);
      assert.equal(d.certificatePem, out.certificatePem);
      assert.equal(d.ownedBy, '123456789012');
      assert.equal(d.customerVersion, 1);
      assert.ok(d.generationId);
      assert.deepEqual(d.transferData, {});
      assert.ok(d.creationDate instanceof Date && Math.abs(d.creationDate.getTime() - Date.now()) < 60_000);
      assert.equal(d.validity!.notAfter!.toISOString(), '2049-12-31T23:59:59.000Z');
      assert.equal(d.validity!.notBefore!.getTime(), new Date(cert.validFrom).getTime());
    });

    test('the private key is never stored', async () => {
      const out = await t.iot.send(new CreateKeysAndCertificateCommand({}));
      const keyBody = out.keyPair!.PrivateKey!.split('\n')[5]!;
      t.emulator.context.store.snapshot();
      const files = fs.readdirSync(t.dataDir, { recursive: true, encoding: 'utf8' });
      for (const f of files) {
        const p = path.join(t.dataDir, f);
        if (fs.statSync(p).isFile())
          assert.ok(!fs.readFileSync(p, 'utf8').includes(keyBody), `${f} holds the private key`);
      }
    });

    test('without setAsActive the certificate is INACTIVE', async () => {
      const out = await t.iot.send(new CreateKeysAndCertificateCommand({}));
      assert.equal((await describeCert(out.certificateId!)).status, 'INACTIVE');
    });
  });

  describe('CreateCertificateFromCsr', () => {
    for (const kind of ['p256', 'p384', 'rsa2048', 'p521'] satisfies KeyKind[]) {
      test(`accepts a ${kind} CSR and certifies its key and subject`, async () => {
        const csr = await makeCsr(kind, `CN=thing-${kind}, O=Acme`);
        const out = await t.iot.send(
          new CreateCertificateFromCsrCommand({ certificateSigningRequest: csr.pem, setAsActive: true }),
        );
        const cert = new X509Certificate(out.certificatePem!);
        assert.equal(out.certificateId, sha256(cert.raw));
        assert.equal(out.certificateArn, `arn:aws:iot:us-east-1:123456789012:cert/${out.certificateId}`);
        const csrKey = createPublicKey({
          key: Buffer.from(await crypto.subtle.exportKey('spki', csr.keys.publicKey)),
          format: 'der',
          type: 'spki',
        });
        assert.equal(spki(cert.publicKey), spki(csrKey));
        assert.equal(cert.subject, `CN=thing-${kind}\nO=Acme`);
        assert.ok(cert.verify(issuingCa.publicKey));
        assert.ok(cert.checkIssued(issuingCa));
        assert.equal((await describeCert(out.certificateId!)).status, 'ACTIVE');
      });
    }

    test('the same CSR twice gives two distinct certificates', async () => {
      const { pem } = await makeCsr('p256');
      const a = await t.iot.send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: pem }));
      const b = await t.iot.send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: pem }));
      assert.notEqual(a.certificateId, b.certificateId);
      assert.equal((await describeCert(a.certificateId!)).status, 'INACTIVE');
    });

    test('a CSR signed with SHA-1 is accepted: AWS documents requirements on the key only', async () => {
      const rsa = await crypto.subtle.generateKey(
        { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-1' },
        true,
        ['sign', 'verify'],
      );
      const ec = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
      for (const [keys, signingAlgorithm] of [
        [rsa, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' }],
        [ec, { name: 'ECDSA', hash: 'SHA-1' }],
      ] as const) {
        const csr = await x509.Pkcs10CertificateRequestGenerator.create({
          name: 'CN=old-stack',
          keys,
          signingAlgorithm,
        });
        assert.match(csr.signatureAlgorithm.hash.name, /SHA-1/);
        const out = await t.iot.send(
          new CreateCertificateFromCsrCommand({ certificateSigningRequest: csr.toString('pem'), setAsActive: true }),
        );
        const cert = new X509Certificate(out.certificatePem!);
        assert.equal(cert.subject, 'CN=old-stack');
        assert.ok(cert.verify(issuingCa.publicKey), 'issued (with SHA-256) by the issuing CA');
      }
    });

    test('an RSA-1024 CSR is refused', async () => {
      const { pem } = await makeCsr('rsa1024');
      const err = await expectAwsError(
        () => t.iot.send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: pem })),
        'InvalidRequestException',
        400,
      );
      assert.match(err.message, /1024 bits.*at least 2048/);
    });

    test('a CSR whose signature does not verify is refused', async () => {
      const pem = await makeCsrWithBrokenSignature();
      const err = await expectAwsError(
        () => t.iot.send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: pem })),
        'InvalidRequestException',
        400,
      );
      assert.match(err.message, /signature/);
    });

    test('malformed CSRs are 400s with a clear message, never 500s', async () => {
      const bad = [
        'not a csr',
        '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----',
        '-----BEGIN CERTIFICATE REQUEST-----\n!!!\n-----END CERTIFICATE REQUEST-----',
        (await makeCertificate(undefined)).pem,
      ];
      for (const pem of bad) {
        const err = await expectAwsError(
          () => t.iot.send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: pem })),
          'InvalidRequestException',
          400,
        );
        assert.match(err.message, /certificate signing request/i);
      }
      await expectAwsError(
        () => t.iot.send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: 'x'.repeat(4097) })),
        'InvalidRequestException',
      );
    });
  });

  describe('RegisterCertificateWithoutCA', () => {
    test('registers a self-signed certificate in SNI_ONLY mode, INACTIVE by default', async () => {
      const { pem, certificate } = await makeCertificate(undefined, { name: 'CN=self-signed' });
      const out = await t.iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: pem }));
      assert.equal(out.certificateId, sha256(new Uint8Array(certificate.rawData)));
      assert.equal(out.certificateArn, `arn:aws:iot:us-east-1:123456789012:cert/${out.certificateId}`);
      const d = await describeCert(out.certificateId!);
      assert.equal(d.status, 'INACTIVE');
      assert.equal(d.certificateMode, 'SNI_ONLY');
      assert.equal(d.caCertificateId, undefined);
      assert.equal(d.validity!.notAfter!.getTime(), certificate.notAfter.getTime());
      assert.equal(d.validity!.notBefore!.getTime(), certificate.notBefore.getTime());
    });

    test('status ACTIVE is honoured; a second registration is ResourceAlreadyExistsException', async () => {
      const { pem } = await makeCertificate(undefined);
      const out = await t.iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: pem, status: 'ACTIVE' }));
      assert.equal((await describeCert(out.certificateId!)).status, 'ACTIVE');
      const err = await expectAwsError(
        () => t.iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: pem })),
        'ResourceAlreadyExistsException',
        409,
      );
      assert.equal((err as unknown as { resourceId: string }).resourceId, out.certificateId);
    });

    test('expired and not-yet-valid certificates are refused', async () => {
      const expired = await makeCertificate(undefined, {
        notBefore: new Date(Date.now() - 10 * DAY),
        notAfter: new Date(Date.now() - DAY),
      });
      const err = await expectAwsError(
        () => t.iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: expired.pem })),
        'CertificateValidationException',
        400,
      );
      assert.match(err.message, /expired/);
      const future = await makeCertificate(undefined, {
        notBefore: new Date(Date.now() + DAY),
        notAfter: new Date(Date.now() + 10 * DAY),
      });
      await expectAwsError(
        () => t.iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: future.pem })),
        'CertificateValidationException',
        400,
      );
    });

    test('malformed PEM is CertificateValidationException; internal statuses are refused', async () => {
      for (const pem of ['garbage', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----']) {
        const err = await expectAwsError(
          () => t.iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: pem })),
          'CertificateValidationException',
          400,
        );
        assert.match(err.message, /certificate/);
      }
      const { pem } = await makeCertificate(undefined);
      await expectAwsError(
        () => t.iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: pem, status: 'PENDING_TRANSFER' })),
        'InvalidRequestException',
        400,
      );
    });
  });

  describe('UpdateCertificate', () => {
    test('moves between ACTIVE, INACTIVE and REVOKED; REVOKED is final', async () => {
      const { certificateId } = await newCert();
      const set = (newStatus: CertificateStatus) =>
        t.iot.send(new UpdateCertificateCommand({ certificateId: certificateId!, newStatus }));
      await set('ACTIVE');
      let d = await describeCert(certificateId!);
      assert.equal(d.status, 'ACTIVE');
      assert.equal(d.customerVersion, 2);
      await set('ACTIVE'); // idempotent
      assert.equal((await describeCert(certificateId!)).customerVersion, 2);
      await set('INACTIVE');
      await set('REVOKED');
      d = await describeCert(certificateId!);
      assert.equal(d.status, 'REVOKED');
      assert.ok(d.lastModifiedDate!.getTime() >= d.creationDate!.getTime());
      await set('REVOKED');
      await expectAwsError(() => set('ACTIVE'), 'CertificateStateException', 406);
      await expectAwsError(() => set('INACTIVE'), 'CertificateStateException', 406);
    });

    test('PENDING_TRANSFER and PENDING_ACTIVATION cannot be set; unknown values are refused', async () => {
      const { certificateId } = await newCert();
      for (const newStatus of ['PENDING_TRANSFER', 'PENDING_ACTIVATION', 'BOGUS'] as CertificateStatus[]) {
        await expectAwsError(
          () => t.iot.send(new UpdateCertificateCommand({ certificateId: certificateId!, newStatus })),
          'InvalidRequestException',
          400,
        );
      }
      assert.equal((await describeCert(certificateId!)).status, 'INACTIVE');
    });

    test('an unknown certificate is ResourceNotFoundException; a malformed id is InvalidRequestException', async () => {
      await expectAwsError(
        () => t.iot.send(new UpdateCertificateCommand({ certificateId: 'a'.repeat(64), newStatus: 'ACTIVE' })),
        'ResourceNotFoundException',
        404,
      );
      await expectAwsError(
        () => t.iot.send(new DescribeCertificateCommand({ certificateId: 'a'.repeat(64) })),
        'ResourceNotFoundException',
        404,
      );
      await expectAwsError(
        () => t.iot.send(new DescribeCertificateCommand({ certificateId: 'xyz' })),
        'InvalidRequestException',
        400,
      );
    });
  });

  describe('DeleteCertificate', () => {
    test('an active certificate cannot be deleted', async () => {
      const { certificateId } = await newCert(true);
      await expectAwsError(
        () => t.iot.send(new DeleteCertificateCommand({ certificateId })),
        'CertificateStateException',
        406,
      );
      await expectAwsError(
        () => t.iot.send(new DeleteCertificateCommand({ certificateId, forceDelete: true })),
        'CertificateStateException',
        406,
      );
    });

    test('a certificate attached to a thing cannot be deleted, even with forceDelete', async () => {
      const { certificateId, certificateArn } = await newCert();
      t.emulator.context.store.commit((tx) =>
        tx.put('thingPrincipals', pairKey('thing-a', certificateArn!), {
          thingName: 'thing-a',
          principal: certificateArn!,
          type: 'NON_EXCLUSIVE_THING',
          attachedAt: Date.now(),
        }),
      );
      for (const forceDelete of [false, true]) {
        const err = await expectAwsError(
          () => t.iot.send(new DeleteCertificateCommand({ certificateId, forceDelete })),
          'DeleteConflictException',
          409,
        );
        assert.match(err.message, /Things must be detached/);
      }
      t.emulator.context.store.commit((tx) => tx.delete('thingPrincipals', pairKey('thing-a', certificateArn!)));
      await t.iot.send(new DeleteCertificateCommand({ certificateId }));
    });

    test('policies block deletion unless forceDelete, which detaches them', async () => {
      const { certificateId, certificateArn } = await newCert();
      const store = t.emulator.context.store;
      store.commit((tx) => {
        tx.put('policyAttachments', pairKey('p1', certificateArn!), { policyName: 'p1', target: certificateArn! });
        tx.put('policyAttachments', pairKey('p2', certificateArn!), { policyName: 'p2', target: certificateArn! });
      });
      const err = await expectAwsError(
        () => t.iot.send(new DeleteCertificateCommand({ certificateId })),
        'DeleteConflictException',
        409,
      );
      assert.match(err.message, /policies must be detached/);
      await t.iot.send(new DeleteCertificateCommand({ certificateId, forceDelete: true }));
      assert.equal(store.c.policyAttachments.findBy('target', certificateArn!).length, 0);
      await expectAwsError(
        () => t.iot.send(new DescribeCertificateCommand({ certificateId })),
        'ResourceNotFoundException',
        404,
      );
    });

    test('an inactive or revoked, unattached certificate is deleted; an unknown one is 404', async () => {
      const a = await newCert();
      await t.iot.send(new DeleteCertificateCommand({ certificateId: a.certificateId }));
      const b = await newCert();
      await t.iot.send(new UpdateCertificateCommand({ certificateId: b.certificateId, newStatus: 'REVOKED' }));
      await t.iot.send(new DeleteCertificateCommand({ certificateId: b.certificateId }));
      await expectAwsError(
        () => t.iot.send(new DeleteCertificateCommand({ certificateId: a.certificateId })),
        'ResourceNotFoundException',
        404,
      );
    });
  });

  describe('ListCertificates', () => {
    test('pages with pageSize and marker, newest first by default, oldest first on request', async () => {
      const fresh = await startTestEmulator();
      try {
        const ids: string[] = [];
        for (let i = 0; i < 7; i++) {
          ids.push(
            (
              await fresh.iot.send(
                new CreateCertificateFromCsrCommand({ certificateSigningRequest: (await makeCsr('p256')).pem }),
              )
            ).certificateId!,
          );
          await new Promise((r) => setTimeout(r, 2));
        }
        const collect = async (ascendingOrder?: boolean) => {
          const seen: string[] = [];
          let marker: string | undefined;
          let pages = 0;
          do {
            const out = await fresh.iot.send(new ListCertificatesCommand({ pageSize: 3, marker, ascendingOrder }));
            assert.ok(out.certificates!.length <= 3);
            for (const c of out.certificates!) {
              assert.equal(c.status, 'INACTIVE');
              assert.equal(c.certificateMode, 'DEFAULT');
              assert.ok(c.creationDate instanceof Date);
              assert.match(c.certificateArn!, /:cert\//);
              seen.push(c.certificateId!);
            }
            marker = out.nextMarker;
            pages++;
          } while (marker);
          assert.equal(pages, 3);
          return seen;
        };
        assert.deepEqual(await collect(true), ids);
        assert.deepEqual(await collect(), [...ids].reverse());
        const all = await fresh.iot.send(new ListCertificatesCommand({}));
        assert.equal(all.certificates!.length, 7);
        assert.equal(all.nextMarker, undefined);
      } finally {
        await fresh.close();
      }
    });

    test('pageSize outside 1-250 and a bad marker are refused', async () => {
      await expectAwsError(
        () => t.iot.send(new ListCertificatesCommand({ pageSize: 0 })),
        'InvalidRequestException',
        400,
      );
      await expectAwsError(
        () => t.iot.send(new ListCertificatesCommand({ pageSize: 251 })),
        'InvalidRequestException',
        400,
      );
      await expectAwsError(
        () => t.iot.send(new ListCertificatesCommand({ marker: 'bm90LWEtbWFya2Vy' })),
        'InvalidRequestException',
        400,
      );
    });

    test('ListCertificatesByCA does not list certificates AWS issued itself (they name no CA)', async () => {
      const { certificateId } = await newCert();
      const caId = sha256(issuingCa.raw);
      const ids: string[] = [];
      let marker: string | undefined;
      do {
        const out = await t.iot.send(new ListCertificatesByCACommand({ caCertificateId: caId, pageSize: 250, marker }));
        ids.push(...out.certificates!.map((c) => c.certificateId!));
        marker = out.nextMarker;
      } while (marker);
      assert.ok(!ids.includes(certificateId!));
      const none = await t.iot.send(new ListCertificatesByCACommand({ caCertificateId: 'b'.repeat(64) }));
      assert.deepEqual(none.certificates, []);
    });
  });
});
