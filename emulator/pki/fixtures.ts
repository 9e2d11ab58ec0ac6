import { webcrypto } from 'node:crypto';
import { x509 } from '../../lib/pki/x509';
import { randomSerial } from './authority';

/**
 * Keys, CSRs and certificates for tests, made the way a customer's tooling makes them (WebCrypto +
 * @peculiar/x509): CAs with verification certificates, device certificates, broken inputs.
 */

export type KeyKind = 'rsa1024' | 'rsa2048' | 'p256' | 'p384' | 'p521';

const DAY = 24 * 3600 * 1000;

export function algorithmFor(kind: KeyKind): RsaHashedKeyGenParams | EcKeyGenParams {
  switch (kind) {
    case 'rsa1024':
    case 'rsa2048':
      return {
        name: 'RSASSA-PKCS1-v1_5',
        hash: 'SHA-256',
        publicExponent: new Uint8Array([1, 0, 1]),
        modulusLength: kind === 'rsa1024' ? 1024 : 2048,
      };
    case 'p256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'p384':
      return { name: 'ECDSA', namedCurve: 'P-384' };
    case 'p521':
      return { name: 'ECDSA', namedCurve: 'P-521' };
  }
}

function signingFor(kind: KeyKind) {
  const alg = algorithmFor(kind);
  return alg.name === 'ECDSA'
    ? { name: 'ECDSA', hash: kind === 'p256' ? 'SHA-256' : kind === 'p384' ? 'SHA-384' : 'SHA-512' }
    : alg;
}

export async function generateKeys(kind: KeyKind = 'p256'): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(algorithmFor(kind), true, ['sign', 'verify'])) as CryptoKeyPair;
}

export async function makeCsr(
  kind: KeyKind,
  name = 'CN=device-1, O=Test',
): Promise<{ pem: string; keys: CryptoKeyPair }> {
  const keys = await generateKeys(kind);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name, keys, signingAlgorithm: signingFor(kind) });
  return { pem: csr.toString('pem'), keys };
}

/** A well-formed CSR whose signature no longer matches its content. */
export async function makeCsrWithBrokenSignature(): Promise<string> {
  const { pem } = await makeCsr('p256');
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
  // The last bytes are the signature's S integer; flipping one keeps the DER valid.
  der[der.length - 2] = der[der.length - 2]! ^ 0x01;
  return `-----BEGIN CERTIFICATE REQUEST-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE REQUEST-----\n`;
}

export interface TestCa {
  certificate: x509.X509Certificate;
  pem: string;
  keys: CryptoKeyPair;
  kind: KeyKind;
}

export async function makeCa(name = 'CN=Test Root CA, O=Test', kind: KeyKind = 'p256'): Promise<TestCa> {
  const keys = await generateKeys(kind);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    keys,
    signingAlgorithm: signingFor(kind),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate, pem: certificate.toString('pem'), keys, kind };
}

/** A certificate signed by `ca` (or self-signed when `ca` is undefined). */
export async function makeCertificate(
  ca: TestCa | undefined,
  opts: { name?: string; notBefore?: Date; notAfter?: Date; kind?: KeyKind; isCa?: boolean } = {},
): Promise<{ pem: string; keys: CryptoKeyPair; certificate: x509.X509Certificate }> {
  const kind = opts.kind ?? 'p256';
  const keys = await generateKeys(kind);
  const name = opts.name ?? 'CN=device';
  const notBefore = opts.notBefore ?? new Date(Date.now() - DAY);
  const notAfter = opts.notAfter ?? new Date(Date.now() + 30 * DAY);
  const extensions = [new x509.BasicConstraintsExtension(Boolean(opts.isCa), undefined, true)];
  const certificate = ca
    ? await x509.X509CertificateGenerator.create({
        serialNumber: randomSerial(),
        subject: name,
        issuer: ca.certificate.subject,
        notBefore,
        notAfter,
        publicKey: keys.publicKey,
        signingKey: ca.keys.privateKey,
        signingAlgorithm: signingFor(ca.kind),
        extensions,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: randomSerial(),
        name,
        notBefore,
        notAfter,
        keys,
        signingAlgorithm: signingFor(kind),
        extensions,
      });
  return { pem: certificate.toString('pem'), keys, certificate };
}

export { DAY };
