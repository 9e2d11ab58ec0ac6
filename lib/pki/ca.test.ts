import assert from 'node:assert/strict';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';

import { unzipSync } from 'fflate';

import { CaInputError, createCa } from './ca';
import { createVerificationCertificate, signDeviceCertificates } from './ca-issue';
import { loadCa } from './ca-load';
import { buildFleetZip } from './ca-worker';
import { pemHeader, toPem } from './pem';

const idOf = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');

describe('browser CA', () => {
  for (const algorithm of ['EC', 'RSA'] as const) {
    test(`a ${algorithm} CA is a CA that OpenSSL reads, with its key in PKCS#8`, async () => {
      const ca = await createCa({ commonName: 'Fleet CA', organization: 'Acme, Inc.', algorithm });
      const cert = new X509Certificate(ca.certificatePem);
      assert.equal(cert.ca, true);
      assert.match(cert.subject, /CN=Fleet CA/);
      assert.equal(cert.subject, cert.issuer);
      assert.ok(cert.verify(cert.publicKey));
      assert.ok(ca.privateKeyPem.startsWith(`${pemHeader('PRIVATE KEY')}\n`));
      const key = createPrivateKey(ca.privateKeyPem);
      assert.equal(key.asymmetricKeyType, algorithm === 'EC' ? 'ec' : 'rsa');
      assert.ok(cert.checkPrivateKey(key));
      const loaded = await loadCa(ca.certificatePem, ca.privateKeyPem);
      assert.equal(loaded.commonName, 'Fleet CA');
      assert.equal(loaded.certificateId, idOf(ca.certificatePem));
    });
  }

  test('device certificates are signed by the CA, name the device, and carry clientAuth and AKI/SKI', async () => {
    for (const algorithm of ['EC', 'RSA'] as const) {
      const files = await createCa({ commonName: `Device CA ${algorithm}`, algorithm });
      const ca = await loadCa(files.certificatePem, files.privateKeyPem);
      const caCert = new X509Certificate(files.certificatePem);
      const issued = await signDeviceCertificates(ca, ['sensor-1', 'sensor-2', 'pump:3']);
      assert.equal(issued.length, 3);
      for (const [i, d] of issued.entries()) {
        const cert = new X509Certificate(d.certificatePem);
        assert.equal(cert.subject, `CN=${['sensor-1', 'sensor-2', 'pump:3'][i]}`);
        assert.equal(cert.issuer, caCert.subject);
        assert.ok(cert.verify(caCert.publicKey), 'signed by the CA');
        assert.ok(cert.checkIssued(caCert));
        assert.equal(cert.ca, false);
        assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
        assert.equal(d.certificateId, idOf(d.certificatePem));
        assert.equal(cert.serialNumber.toLowerCase(), d.serialNumber);
        const key = createPrivateKey(d.privateKeyPem);
        assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
        assert.ok(cert.checkPrivateKey(key));
        assert.ok(cert.validTo && new Date(cert.validTo) <= new Date(caCert.validTo));
      }
      // Each device has its own key and serial.
      assert.equal(new Set(issued.map((d) => d.serialNumber)).size, 3);
    }
  });

  test('the verification certificate names the registration code and is signed by the CA', async () => {
    const files = await createCa({ commonName: 'Verify CA' });
    const ca = await loadCa(files.certificatePem, files.privateKeyPem);
    const code = 'a'.repeat(64);
    const pem = await createVerificationCertificate(ca, code);
    const cert = new X509Certificate(pem);
    assert.equal(cert.subject, `CN=${code}`);
    assert.ok(cert.verify(new X509Certificate(files.certificatePem).publicKey));
    await assert.rejects(createVerificationCertificate(ca, 'not a code'), CaInputError);
  });

  test('a key that is not the CA certificate’s key is refused', async () => {
    const a = await createCa({ commonName: 'A' });
    const b = await createCa({ commonName: 'B' });
    await assert.rejects(loadCa(a.certificatePem, b.privateKeyPem), (e: unknown) => {
      assert.ok(e instanceof CaInputError);
      assert.equal(e.field, 'privateKey');
      assert.match(e.message, /does not belong/);
      return true;
    });
    const rsa = await createCa({ commonName: 'R', algorithm: 'RSA' });
    await assert.rejects(loadCa(a.certificatePem, rsa.privateKeyPem), CaInputError);
    await assert.rejects(loadCa(a.privateKeyPem, a.privateKeyPem), /private key, not a certificate/);
    await assert.rejects(loadCa(a.certificatePem, a.certificatePem), /certificate, not a private key/);
    await assert.rejects(
      loadCa(a.certificatePem, toPem('ENCRYPTED PRIVATE KEY', new Uint8Array([0, 0, 0]))),
      /encrypted/,
    );
  });

  test('a leaf certificate is refused as a CA', async () => {
    const files = await createCa({ commonName: 'Leaf maker' });
    const ca = await loadCa(files.certificatePem, files.privateKeyPem);
    const [leaf] = await signDeviceCertificates(ca, ['dev']);
    await assert.rejects(loadCa(leaf!.certificatePem, leaf!.privateKeyPem), /not a CA/);
  });

  test('OpenSSL traditional keys (EC PRIVATE KEY, RSA PRIVATE KEY) are read too', async () => {
    const files = await createCa({ commonName: 'Sec1' });
    const sec1 = createPrivateKey(files.privateKeyPem).export({ type: 'sec1', format: 'pem' }).toString();
    assert.ok(sec1.includes(pemHeader('EC PRIVATE KEY')));
    const ca = await loadCa(files.certificatePem, sec1);
    const [d] = await signDeviceCertificates(ca, ['x']);
    assert.ok(new X509Certificate(d!.certificatePem).verify(new X509Certificate(files.certificatePem).publicKey));

    const rsa = await createCa({ commonName: 'Pkcs1', algorithm: 'RSA' });
    const pkcs1 = createPrivateKey(rsa.privateKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
    await loadCa(rsa.certificatePem, pkcs1);
  });

  test('signs 200 certificates quickly and reports progress', async () => {
    const files = await createCa({ commonName: 'Speed' });
    const ca = await loadCa(files.certificatePem, files.privateKeyPem);
    const seen: number[] = [];
    const t0 = performance.now();
    const names = Array.from({ length: 200 }, (_, i) => `dev-${i}`);
    const out = await signDeviceCertificates(ca, names, { concurrency: 50, onProgress: (p) => seen.push(p.done) });
    const ms = performance.now() - t0;
    assert.equal(out.length, 200);
    assert.deepEqual(seen, [50, 100, 150, 200]);
    assert.ok(ms < 5000, `took ${ms} ms`);
  });

  test('cancelling stops between batches', async () => {
    const files = await createCa({ commonName: 'Cancel' });
    const ca = await loadCa(files.certificatePem, files.privateKeyPem);
    const ctl = new AbortController();
    await assert.rejects(
      signDeviceCertificates(ca, ['a', 'b', 'c'], {
        concurrency: 1,
        onProgress: () => ctl.abort(),
        signal: ctl.signal,
      }),
      /cancelled/,
    );
  });

  test('the fleet zip has a folder per device, the CA certificate and a manifest', async () => {
    const files = await createCa({ commonName: 'Zip CA' });
    const phases: string[] = [];
    const result = await buildFleetZip(
      {
        caCertificatePem: files.certificatePem,
        caPrivateKeyPem: files.privateKeyPem,
        names: ['a-1', 'a-2'],
        connection: {
          mode: 'local',
          region: 'us-east-1',
          endpoint: 'localhost',
          port: 8883,
          rootCa: { fileName: 'root-ca.pem', pem: files.certificatePem, description: 'test' },
        },
      },
      (p) => phases.push(p.phase),
    );
    assert.equal(result.count, 2);
    assert.ok(phases.includes('signing') && phases.includes('zipping'));
    const entries = unzipSync(result.zip);
    const text = (n: string) => new TextDecoder().decode(entries[n]);
    assert.ok(entries['ca-certificate.pem'] && entries['README.txt']);
    const manifest = text('manifest.csv').trim().split('\n');
    assert.equal(manifest.length, 3);
    assert.match(manifest[1]!, /^a-1,[0-9a-f]{64},/);
    const chain = text('a-1/certificate.pem.crt');
    assert.equal(chain.match(/BEGIN CERTIFICATE/g)?.length, 2);
    assert.equal(new X509Certificate(chain).subject, 'CN=a-1');
    assert.equal(idOf(chain), manifest[1]!.split(',')[1]);
    assert.ok(new X509Certificate(chain).checkPrivateKey(createPrivateKey(text('a-1/private.pem.key'))));
    assert.ok(entries['a-2/root-ca.pem']);
  });
});
