import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { describe, test } from 'node:test';

import { generateDeviceKeys } from './browser-keys';
import { pemHeader, toPem } from './pem';
import { x509 } from './x509';

async function checkKeys(algorithm: 'EC' | 'RSA') {
  const keys = await generateDeviceKeys('sensor-42', algorithm);
  assert.equal(keys.algorithm, algorithm);
  assert.ok(keys.privateKeyPem.startsWith(`${pemHeader('PRIVATE KEY')}\n`));
  assert.match(keys.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
  assert.match(keys.csrPem, /^-----BEGIN CERTIFICATE REQUEST-----\n/);

  // OpenSSL (through node:crypto) reads the PKCS#8 and SPKI exports, and they are one pair.
  const priv = createPrivateKey(keys.privateKeyPem);
  const pub = createPublicKey(keys.publicKeyPem);
  assert.equal(priv.asymmetricKeyType, algorithm === 'EC' ? 'ec' : 'rsa');
  if (algorithm === 'EC') assert.equal(priv.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  else assert.equal(priv.asymmetricKeyDetails?.modulusLength, 2048);
  const data = Buffer.from('hello device');
  assert.ok(verify('sha256', data, pub, sign('sha256', data, priv)));

  // The CSR names the thing, carries the same public key and verifies with it.
  const csr = new x509.Pkcs10CertificateRequest(keys.csrPem);
  assert.equal(csr.subject, 'CN=sensor-42');
  assert.ok(await csr.verify());
  const csrSpki = Buffer.from(csr.publicKey.rawData);
  assert.deepEqual(csrSpki, pub.export({ type: 'spki', format: 'der' }));
}

describe('browser key pair and CSR', () => {
  test('EC P-256: PKCS#8 + SPKI PEM and a CSR with CN = thing name', () => checkKeys('EC'));
  test('RSA-2048: PKCS#8 + SPKI PEM and a CSR with CN = thing name', () => checkKeys('RSA'));

  test('the default algorithm is EC P-256', async () => {
    const keys = await generateDeviceKeys('d1');
    assert.equal(keys.algorithm, 'EC');
  });

  test('a thing name with a colon stays one common name', async () => {
    const keys = await generateDeviceKeys('site:a_b-1');
    assert.equal(new x509.Pkcs10CertificateRequest(keys.csrPem).subject, 'CN=site:a_b-1');
  });

  test('an empty common name is refused', async () => {
    await assert.rejects(generateDeviceKeys(''), /common name/);
  });

  test('PEM lines are 64 characters wide', () => {
    const pem = toPem('TEST', new Uint8Array(100).fill(7).buffer);
    const body = pem.split('\n').slice(1, -2);
    assert.ok(body.every((l) => l.length <= 64));
    assert.equal(body[0]!.length, 64);
    assert.ok(pem.endsWith('-----END TEST-----\n'));
  });
});
