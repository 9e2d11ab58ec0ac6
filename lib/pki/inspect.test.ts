import assert from 'node:assert/strict';
import { X509Certificate as NodeX509 } from 'node:crypto';
import { before, describe, test } from 'node:test';

import {
  CertificateParseError,
  certificatePemToDer,
  describeKey,
  inspectCertificate,
  isSignedBy,
  MAX_CERTIFICATE_PEM_LENGTH,
  validityProblem,
} from './inspect';
import { x509 } from './x509';
import { toPem } from './pem';

const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const EC = { name: 'ECDSA', namedCurve: 'P-256' };
const DAY = 86_400_000;

interface Made {
  pem: string;
  keys: CryptoKeyPair;
}

async function selfSigned(opts: {
  alg: RsaHashedKeyGenParams | EcKeyGenParams;
  name: string;
  ca?: boolean;
  san?: { type: 'dns' | 'ip'; value: string }[];
  notBefore?: Date;
  notAfter?: Date;
}): Promise<Made> {
  const keys = (await crypto.subtle.generateKey(opts.alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const extensions: InstanceType<typeof x509.Extension>[] = [];
  if (opts.ca) extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
  if (opts.san) extensions.push(new x509.SubjectAlternativeNameExtension(opts.san));
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '0a1b2c3d',
    name: opts.name,
    notBefore: opts.notBefore ?? new Date(Date.now() - DAY),
    notAfter: opts.notAfter ?? new Date(Date.now() + 30 * DAY),
    keys,
    signingAlgorithm: opts.alg.name === 'ECDSA' ? ({ name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams) : opts.alg,
    extensions,
  });
  return { pem: cert.toString('pem'), keys };
}

describe('inspectCertificate', () => {
  let rsa: Made;
  let ec: Made;
  let ca: Made;
  let leafPem: string;

  before(async () => {
    rsa = await selfSigned({
      alg: RSA,
      name: 'CN=device-1, O=Acme',
      san: [
        { type: 'dns', value: 'device-1.example.com' },
        { type: 'ip', value: '10.0.0.7' },
      ],
    });
    ec = await selfSigned({ alg: EC, name: 'CN=ec-device' });
    ca = await selfSigned({ alg: RSA, name: 'CN=Acme Device CA', ca: true });
    const leafKeys = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: '01',
      subject: 'CN=leaf-device',
      issuer: 'CN=Acme Device CA',
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + DAY),
      publicKey: leafKeys.publicKey,
      signingKey: ca.keys.privateKey,
      signingAlgorithm: RSA,
    });
    leafPem = leaf.toString('pem');
  });

  test('an RSA certificate: names, serial, key size, SANs and fingerprints that match openssl/Node', async () => {
    const info = await inspectCertificate(rsa.pem);
    const node = new NodeX509(rsa.pem);
    assert.equal(info.subject, 'CN=device-1, O=Acme');
    assert.equal(info.issuer, 'CN=device-1, O=Acme');
    assert.equal(info.commonName, 'device-1');
    assert.equal(info.serialNumber, '0a1b2c3d');
    assert.equal(info.keyType, 'RSA');
    assert.equal(info.keySize, 2048);
    assert.equal(info.curve, undefined);
    assert.equal(describeKey(info), 'RSA 2048');
    assert.equal(info.sha256Fingerprint, node.fingerprint256);
    assert.equal(info.sha1Fingerprint, node.fingerprint);
    assert.match(info.sha256Fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(info.certificateId, node.fingerprint256.replace(/:/g, '').toLowerCase());
    assert.equal(info.notBefore.getTime(), new Date(node.validFrom).getTime());
    assert.equal(info.notAfter.getTime(), new Date(node.validTo).getTime());
    assert.deepEqual(info.subjectAltNames, ['dns:device-1.example.com', 'ip:10.0.0.7']);
    assert.equal(info.selfSigned, true);
    assert.equal(info.isCa, false);
    assert.equal(info.signatureAlgorithm, 'RSASSA-PKCS1-v1_5 SHA-256');
  });

  test('a certificate with a private key beside it is refused as a private key, whatever the order', async () => {
    const key = toPem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', ec.keys.privateKey));
    for (const pem of [`${ec.pem}\n${key}`, `${key}${ec.pem}`]) {
      await assert.rejects(inspectCertificate(pem), (err: Error) => {
        assert.ok(err instanceof CertificateParseError);
        assert.match(err.message, /private key/);
        assert.ok(!err.message.includes(key.split('\n')[1]!), 'the key is not echoed');
        return true;
      });
      assert.throws(() => certificatePemToDer(pem), /private key/);
    }
  });

  test('an EC certificate reports its curve', async () => {
    const info = await inspectCertificate(ec.pem);
    assert.equal(info.keyType, 'EC');
    assert.equal(info.curve, 'P-256');
    assert.equal(info.keySize, undefined);
    assert.equal(describeKey(info), 'EC P-256');
    assert.deepEqual(info.subjectAltNames, []);
  });

  test('a CA certificate is a CA; a certificate it signed is not self-signed', async () => {
    assert.equal((await inspectCertificate(ca.pem)).isCa, true);
    const leaf = await inspectCertificate(leafPem);
    assert.equal(leaf.selfSigned, false);
    assert.equal(leaf.issuer, 'CN=Acme Device CA');
    assert.equal(leaf.keyType, 'EC');
  });

  test('isSignedBy: the CA signed the leaf; another key did not', async () => {
    assert.equal(await isSignedBy(leafPem, ca.pem), true);
    assert.equal(await isSignedBy(leafPem, rsa.pem), false);
    assert.equal(await isSignedBy(rsa.pem, ca.pem), false);
    assert.equal(await isSignedBy('junk', ca.pem), false);
  });

  test('white space around the PEM and Windows line ends are fine', async () => {
    const messy = `\n\n  ${rsa.pem.replace(/\n/g, '\r\n')}  \n`;
    assert.equal((await inspectCertificate(messy)).certificateId, (await inspectCertificate(rsa.pem)).certificateId);
  });

  const refused = async (pem: string, pattern: RegExp) => {
    await assert.rejects(inspectCertificate(pem), (err: unknown) => {
      assert.ok(err instanceof CertificateParseError, `expected CertificateParseError, got ${String(err)}`);
      assert.match(err.message, pattern);
      return true;
    });
  };

  test('empty input is refused', async () => {
    await refused('   ', /Paste or upload a certificate/);
  });

  test('text that is not PEM is refused', async () => {
    await refused('hello world', /not a PEM certificate/);
  });

  test('a private key, a public key or a CSR is named as such', async () => {
    await refused(toPem('PRIVATE KEY', new Uint8Array([0x30, 0x81, 0x01])), /a private key, not a certificate/);
    await refused('-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n', /a public key, not a certificate/);
    await refused(
      '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n',
      /certificate signing request/,
    );
  });

  test('a truncated certificate is refused', async () => {
    await refused(rsa.pem.slice(0, 200), /no "-----END CERTIFICATE-----" line/);
  });

  test('damaged base64 is refused', async () => {
    const lines = rsa.pem.trim().split('\n');
    lines[3] = lines[3]!.replace(/^./, '!');
    await refused(lines.join('\n'), /not valid base64/);
  });

  test('valid base64 that is not a certificate is refused', async () => {
    const junk = btoa('this is definitely not DER'.padEnd(48, '.'));
    await refused(`-----BEGIN CERTIFICATE-----\n${junk}\n-----END CERTIFICATE-----\n`, /readable X\.509 certificate/);
  });

  test('two certificates in one PEM are refused', async () => {
    await refused(rsa.pem + ec.pem, /holds 2 certificates/);
  });

  test('an oversized PEM is refused before parsing', async () => {
    await refused('x'.repeat(MAX_CERTIFICATE_PEM_LENGTH + 1), /too large/);
  });

  test('certificatePemToDer returns the DER Node reads too', () => {
    const der = certificatePemToDer(rsa.pem);
    assert.deepEqual(Buffer.from(der), new NodeX509(rsa.pem).raw);
  });
});

describe('validityProblem', () => {
  const now = new Date('2026-01-15T00:00:00Z');
  test('a current certificate has no problem', () => {
    assert.equal(
      validityProblem({ notBefore: new Date('2026-01-01'), notAfter: new Date('2027-01-01') }, now),
      undefined,
    );
  });
  test('an expired one says when it expired', () => {
    assert.match(
      validityProblem({ notBefore: new Date('2024-01-01'), notAfter: new Date('2025-01-01') }, now)!,
      /expired on 2025-01-01/,
    );
  });
  test('a not-yet-valid one says from when', () => {
    assert.match(
      validityProblem({ notBefore: new Date('2026-02-01'), notAfter: new Date('2027-01-01') }, now)!,
      /not valid until 2026-02-01/,
    );
  });
});
