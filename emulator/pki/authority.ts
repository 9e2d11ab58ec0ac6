import fs from 'node:fs';
import path from 'node:path';
import { webcrypto } from 'node:crypto';
import { pemToDer, toPem } from '../../lib/pki/pem';
import { x509 } from '../../lib/pki/x509';

/** RSA-2048 with SHA-256, as AWS's own issuing CA signs device certificates. */
export const RSA_SIGNING: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

export interface CertificateAuthority {
  certificate: x509.X509Certificate;
  certificatePem: string;
  privateKey: CryptoKey;
}

/**
 * The emulator's own PKI, standing where AWS's stands: a root CA (what "Amazon Root CA 1" is to real
 * devices: it signs the broker's server certificate and is what bundles trust) and an issuing CA that
 * signs the certificates of CreateKeysAndCertificate and CreateCertificateFromCsr.
 * Both live under `<dataDir>/pki` so certificates issued before a restart still verify after it.
 */
export interface Authority {
  root: CertificateAuthority;
  issuing: CertificateAuthority;
}

const ROOT_NAME = 'CN=IoT Emulator Root CA, O=Local IoT Core';
const ISSUING_NAME = 'CN=IoT Emulator Device Issuing CA, OU=Local IoT Core, O=Local IoT Core';

export async function loadOrCreateAuthority(dataDir: string | null): Promise<Authority> {
  const dir = dataDir ? path.join(dataDir, 'pki') : null;
  if (dir && fs.existsSync(path.join(dir, 'issuing-ca.key'))) {
    return { root: await load(dir, 'root-ca'), issuing: await load(dir, 'issuing-ca') };
  }
  const root = await createRoot();
  const issuing = await createIssuing(root);
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    await save(dir, 'root-ca', root);
    await save(dir, 'issuing-ca', issuing);
  }
  return { root, issuing };
}

async function createRoot(): Promise<CertificateAuthority> {
  const keys = (await webcrypto.subtle.generateKey(RSA_SIGNING, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: ROOT_NAME,
    notBefore: new Date(Date.now() - 24 * 3600 * 1000),
    notAfter: new Date('2045-01-01T00:00:00Z'),
    keys,
    signingAlgorithm: RSA_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate, certificatePem: certificate.toString('pem'), privateKey: keys.privateKey };
}

async function createIssuing(root: CertificateAuthority): Promise<CertificateAuthority> {
  const keys = (await webcrypto.subtle.generateKey(RSA_SIGNING, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: ISSUING_NAME,
    issuer: root.certificate.subject,
    notBefore: new Date(Date.now() - 24 * 3600 * 1000),
    notAfter: new Date('2044-12-31T00:00:00Z'),
    publicKey: keys.publicKey,
    signingKey: root.privateKey,
    signingAlgorithm: RSA_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(root.certificate),
    ],
  });
  return { certificate, certificatePem: certificate.toString('pem'), privateKey: keys.privateKey };
}

/** A positive 16-byte serial (the top bit cleared keeps the DER integer positive). */
export function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

async function save(dir: string, name: string, ca: CertificateAuthority) {
  const keyPem = toPem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', ca.privateKey));
  writeAtomic(path.join(dir, `${name}.pem`), ca.certificatePem + '\n', 0o644);
  writeAtomic(path.join(dir, `${name}.key`), keyPem, 0o600);
}

async function load(dir: string, name: string): Promise<CertificateAuthority> {
  const certificatePem = fs.readFileSync(path.join(dir, `${name}.pem`), 'utf8').trim();
  const keyPem = fs.readFileSync(path.join(dir, `${name}.key`), 'utf8');
  const der = pemToDer(keyPem, 'PRIVATE KEY');
  if (!der) throw new Error(`${path.join(dir, `${name}.key`)} does not hold a PKCS#8 PEM private key.`);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, RSA_SIGNING, false, ['sign']);
  return { certificate: new x509.X509Certificate(certificatePem), certificatePem, privateKey };
}

function writeAtomic(file: string, text: string, mode: number) {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, text, { mode });
  const fd = fs.openSync(tmp, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
}
