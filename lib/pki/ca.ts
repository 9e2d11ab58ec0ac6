/**
 * The operator's own certificate authority, entirely where the operator sits (browser, or Node for tests and
 * benchmarks): WebCrypto and a little DER (lib/pki/der.ts), no node: imports and nothing sent anywhere.
 *
 * - createCa (here): a key pair (EC P-256 by default, RSA 2048 as an option) and a self-signed CA certificate
 *   (basicConstraints cA=TRUE critical, keyUsage keyCertSign|cRLSign critical, subjectKeyIdentifier), the key
 *   exported as PKCS#8 PEM. Built with @peculiar/x509 (one certificate, speed does not matter).
 * - loadCa (ca-load.ts): an existing CA certificate and its key, checked before anything is sent to AWS.
 * - issueCertificate, createVerificationCertificate, signDeviceCertificates (ca-issue.ts): certificates signed by
 *   a loaded CA, from a DER template.
 */
import { toPem } from './pem';
import { hex, randomSerial, subtle } from './webcrypto';
import { x509 } from './x509';

export type CaKeyAlgorithm = 'EC' | 'RSA';

export const CA_KEY_ALGORITHMS: readonly { value: CaKeyAlgorithm; label: string }[] = [
  { value: 'EC', label: 'EC P-256 (ECDSA, recommended)' },
  { value: 'RSA', label: 'RSA 2048' },
];

export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const RSA_2048 = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
} as const;

/** Why a CA certificate or key was refused; the message is fit to show beside the field. */
export class CaInputError extends Error {
  readonly field: 'certificate' | 'privateKey' | 'other';
  constructor(message: string, field: 'certificate' | 'privateKey' | 'other' = 'other') {
    super(message);
    this.name = 'CaInputError';
    this.field = field;
  }
}

export interface CreateCaOptions {
  commonName: string;
  organization?: string;
  algorithm?: CaKeyAlgorithm;
  /** Default 10 years. */
  validityDays?: number;
  now?: Date;
}

export interface CaFiles {
  /** The CA certificate (what AWS IoT registers and devices may send along with their own). */
  certificatePem: string;
  /** PKCS#8 PEM. The operator keeps it: whoever holds it can make certificates AWS IoT accepts. */
  privateKeyPem: string;
}

function escapeDn(value: string): string {
  return value
    .replace(/([,+"\\<>;=])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

export async function createCa(opts: CreateCaOptions): Promise<CaFiles> {
  const cn = opts.commonName.trim();
  if (!cn) throw new CaInputError('Give the CA a name (its certificate subject common name).');
  if (cn.length > 64) throw new CaInputError('A common name is at most 64 characters (RFC 5280).');
  if (opts.organization && opts.organization.length > 64)
    throw new CaInputError('An organization is at most 64 characters.');
  const params = opts.algorithm === 'RSA' ? RSA_2048 : EC_P256;
  const keys = (await subtle().generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  const notAfter = new Date(now.getTime() + (opts.validityDays ?? 3650) * 86_400_000);
  const name = [
    `CN=${escapeDn(cn)}`,
    ...(opts.organization?.trim() ? [`O=${escapeDn(opts.organization.trim())}`] : []),
  ].join(', ');
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: hex(randomSerial()),
    name,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: params,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await subtle().exportKey('pkcs8', keys.privateKey);
  return { certificatePem: cert.toString('pem') + '\n', privateKeyPem: toPem('PRIVATE KEY', pkcs8) };
}
