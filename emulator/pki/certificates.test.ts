import assert from 'node:assert/strict';
import { createHash, webcrypto, X509Certificate } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { x509 } from '../../lib/pki/x509';
import { loadOrCreateAuthority, type Authority } from './authority';
import {
  AWS_ISSUED_NOT_AFTER,
  issueCertificate,
  issuerOf,
  parseCertificatePem,
  parseCsr,
  PkiInputError,
  validityProblem,
} from './certificates';
import { makeCertificate, makeCsr, makeCsrWithBrokenSignature } from './fixtures';

describe('pki/certificates', () => {
  let authority: Authority;
  before(async () => {
    authority = await loadOrCreateAuthority(null);
  });

  test('an issued certificate chains to the issuing CA, is a leaf, and its id is the SHA-256 of its DER', async () => {
    const issuer = issuerOf(authority.issuing);
    assert.equal(issuerOf(authority.issuing), issuer, 'derived once per authority');
    const csr = await parseCsr((await makeCsr('p256', 'CN=unit')).pem);
    const now = Date.now();
    const issued = await issueCertificate(issuer, { ...csr, now });
    const cert = new X509Certificate(issued.pem);
    const ca = new X509Certificate(authority.issuing.certificatePem);
    assert.ok(cert.verify(ca.publicKey));
    assert.ok(cert.checkIssued(ca));
    assert.equal(cert.ca, false);
    assert.equal(cert.subject, 'CN=unit');
    assert.equal(issued.certificateId, createHash('sha256').update(cert.raw).digest('hex'));
    assert.equal(Date.parse(cert.validTo), AWS_ISSUED_NOT_AFTER.getTime());
    assert.equal(Date.parse(cert.validFrom), Math.floor(now / 1000) * 1000);
    // The full library agrees on the extensions.
    const parsed = new x509.X509Certificate(issued.pem);
    const ku = parsed.getExtension(x509.KeyUsagesExtension)!;
    assert.equal(ku.usages, x509.KeyUsageFlags.digitalSignature);
    assert.ok(ku.critical);
    assert.equal(parsed.getExtension(x509.BasicConstraintsExtension)!.ca, false);
    assert.ok(await parsed.verify({ publicKey: authority.issuing.certificate.publicKey }));
    // Two certificates for the same key differ (random serials).
    const again = await issueCertificate(issuer, { ...csr, now });
    assert.notEqual(again.certificateId, issued.certificateId);
  });

  test('an RSA-PSS signed CSR is verified through the full library', async () => {
    const alg = { name: 'RSA-PSS', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=pss',
      keys,
      signingAlgorithm: { ...alg, saltLength: 32 } as RsaPssParams,
    });
    const parsed = await parseCsr(csr.toString('pem'));
    assert.equal(parsed.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  });

  test('weak keys, broken signatures and non-CSRs are PkiInputErrors', async () => {
    await assert.rejects(parseCsr((await makeCsr('rsa1024')).pem), PkiInputError);
    await assert.rejects(parseCsr(await makeCsrWithBrokenSignature()), /does not verify/);
    await assert.rejects(parseCsr('hello'), /not PEM-encoded/);
    await assert.rejects(
      parseCsr('-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----'),
      /PKCS#10/,
    );
  });

  test('certificate parsing reports id and validity; validityProblem names expiry', async () => {
    const { pem, certificate } = await makeCertificate(undefined, { name: 'CN=p' });
    const parsed = parseCertificatePem(`junk before\n${pem}\njunk after`);
    assert.equal(parsed.certificateId, createHash('sha256').update(new Uint8Array(certificate.rawData)).digest('hex'));
    assert.equal(parsed.notAfter, certificate.notAfter.getTime());
    assert.equal(validityProblem(parsed, Date.now()), undefined);
    assert.match(validityProblem(parsed, parsed.notAfter + 1000)!, /expired/);
    assert.match(validityProblem(parsed, parsed.notBefore - 1000)!, /not valid before/);
    assert.throws(
      () => parseCertificatePem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'),
      PkiInputError,
    );
  });
});
