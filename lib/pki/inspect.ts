/**
 * Reads what an operator needs to know about an X.509 certificate from its PEM: names, validity, key,
 * fingerprints, whether it is self-signed or a CA. Pure and isomorphic: @peculiar/x509 plus the global
 * WebCrypto (`crypto.subtle`), no node: imports, so the register form can check a file in the browser
 * before anything is sent, and server pages can show the same facts.
 */
import { containsPrivateKey, pemBlockDer, readPemBlocks } from './pem';
import { x509 } from './x509';

/** AWS's limit on certificatePem (RegisterCertificate / RegisterCertificateWithoutCA): 65,536 characters. */
export const MAX_CERTIFICATE_PEM_LENGTH = 65_536;

export type KeyType = 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'unknown';

export interface CertificateInfo {
  /** Distinguished names as RFC 4514-ish strings, e.g. `CN=device-1, O=Acme`. */
  subject: string;
  issuer: string;
  /** The subject's common name, when it has one. */
  commonName: string | undefined;
  /** Lowercase hex, as the certificate encodes it. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  keyType: KeyType;
  /** RSA modulus length in bits (RSA only). */
  keySize: number | undefined;
  /** Named curve (EC only), e.g. `P-256`. */
  curve: string | undefined;
  /** Colon-separated uppercase hex of SHA-256 over the DER, as `openssl x509 -fingerprint -sha256` prints it. */
  sha256Fingerprint: string;
  sha1Fingerprint: string;
  /** Lowercase hex SHA-256 of the DER: the id AWS IoT gives this certificate. */
  certificateId: string;
  /** The signature algorithm, e.g. `RSASSA-PKCS1-v1_5 SHA-256`. */
  signatureAlgorithm: string;
  /** Issuer equals subject and the certificate's own key verifies its signature. */
  selfSigned: boolean;
  /** basicConstraints cA=TRUE. */
  isCa: boolean;
  /** Subject alternative names as `type:value`, e.g. `dns:device.example.com`, `ip:10.0.0.1`. */
  subjectAltNames: string[];
}

/** Why a PEM could not be read; the message is fit to show beside the field. */
export class CertificateParseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CertificateParseError';
  }
}

/** What an operator most likely pasted instead, by PEM label. */
const WRONG_KIND: Readonly<Record<string, string>> = {
  'PRIVATE KEY': 'a private key',
  'RSA PRIVATE KEY': 'a private key',
  'EC PRIVATE KEY': 'a private key',
  'ENCRYPTED PRIVATE KEY': 'a private key',
  'PUBLIC KEY': 'a public key',
  'RSA PUBLIC KEY': 'a public key',
  'CERTIFICATE REQUEST': 'a certificate signing request (CSR)',
  'NEW CERTIFICATE REQUEST': 'a certificate signing request (CSR)',
  'X509 CRL': 'a certificate revocation list',
};

/**
 * The DER of the single certificate in `pem`. Refuses empty input, something that is not PEM, a key or
 * CSR instead of a certificate, more than one certificate, and damaged base64.
 */
export function certificatePemToDer(pem: string): Uint8Array<ArrayBuffer> {
  if (typeof pem !== 'string' || pem.trim().length === 0) {
    throw new CertificateParseError('Paste or upload a certificate in PEM format.');
  }
  if (pem.length > MAX_CERTIFICATE_PEM_LENGTH) {
    throw new CertificateParseError(
      `The PEM is too large: AWS IoT accepts at most ${MAX_CERTIFICATE_PEM_LENGTH.toLocaleString('en-US')} characters.`,
    );
  }
  // A key pasted with (or instead of) the certificate is refused wherever it sits, so it never travels further.
  if (containsPrivateKey(pem)) {
    throw new CertificateParseError(
      'This PEM holds a private key, not a certificate: give the certificate only; the key stays on the device.',
    );
  }
  const blocks = readPemBlocks(pem);
  if (blocks.length === 0) {
    if (pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new CertificateParseError('The certificate has no "-----END CERTIFICATE-----" line (it may be cut short).');
    }
    throw new CertificateParseError(
      'This is not a PEM certificate: expected text between "-----BEGIN CERTIFICATE-----" and "-----END CERTIFICATE-----".',
    );
  }
  const certificates = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (certificates.length === 0) {
    const kind = WRONG_KIND[blocks[0]!.label] ?? `a "${blocks[0]!.label}" block`;
    throw new CertificateParseError(`This PEM holds ${kind}, not a certificate.`);
  }
  if (certificates.length > 1) {
    throw new CertificateParseError(
      `This PEM holds ${certificates.length} certificates; give only one (the device certificate, without its chain).`,
    );
  }
  const block = certificates[0]!;
  if (block.endLabel !== 'CERTIFICATE') {
    throw new CertificateParseError('The certificate block begins and ends with different labels.');
  }
  const der = pemBlockDer(block);
  if (!der)
    throw new CertificateParseError('The certificate block is not valid base64 (it may be truncated or edited).');
  return der;
}

function hex(buffer: ArrayBuffer, separator = ''): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join(separator);
}

async function digest(algorithm: 'SHA-256' | 'SHA-1', der: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> {
  return crypto.subtle.digest(algorithm, der);
}

/** `AA:BB:...` uppercase, as openssl and the AWS console print fingerprints. */
export function formatFingerprint(buffer: ArrayBuffer): string {
  return hex(buffer, ':').toUpperCase();
}

function keyOf(
  cert: InstanceType<typeof x509.X509Certificate>,
): Pick<CertificateInfo, 'keyType' | 'keySize' | 'curve'> {
  let algorithm: Algorithm & { modulusLength?: unknown; namedCurve?: unknown };
  try {
    algorithm = cert.publicKey.algorithm;
  } catch {
    // An algorithm @peculiar/x509 does not know (e.g. an unusual curve): still show the rest.
    return { keyType: 'unknown', keySize: undefined, curve: undefined };
  }
  const name = algorithm.name.toUpperCase();
  if (name.startsWith('RSA')) {
    const size = typeof algorithm.modulusLength === 'number' ? algorithm.modulusLength : undefined;
    return { keyType: 'RSA', keySize: size, curve: undefined };
  }
  if (name === 'ECDSA' || name === 'ECDH') {
    return {
      keyType: 'EC',
      keySize: undefined,
      curve: typeof algorithm.namedCurve === 'string' ? algorithm.namedCurve : undefined,
    };
  }
  if (name === 'ED25519') return { keyType: 'Ed25519', keySize: 256, curve: undefined };
  if (name === 'ED448') return { keyType: 'Ed448', keySize: 456, curve: undefined };
  return { keyType: 'unknown', keySize: undefined, curve: undefined };
}

function commonNameOf(cert: InstanceType<typeof x509.X509Certificate>): string | undefined {
  try {
    const cn = cert.subjectName.getField('CN');
    return cn[0];
  } catch {
    return undefined;
  }
}

function signatureAlgorithmOf(cert: InstanceType<typeof x509.X509Certificate>): string {
  try {
    const alg = cert.signatureAlgorithm as Algorithm & { hash?: { name?: string } };
    return alg.hash?.name ? `${alg.name} ${alg.hash.name}` : alg.name;
  } catch {
    return 'unknown';
  }
}

async function selfSignedOf(cert: InstanceType<typeof x509.X509Certificate>): Promise<boolean> {
  if (cert.subject !== cert.issuer) return false;
  try {
    return await cert.isSelfSigned();
  } catch {
    // WebCrypto here cannot verify this algorithm: fall back to the names alone.
    return true;
  }
}

/** Parses one PEM certificate; throws CertificateParseError with a readable reason when it cannot. */
export async function inspectCertificate(pem: string): Promise<CertificateInfo> {
  const der = certificatePemToDer(pem);
  let cert: InstanceType<typeof x509.X509Certificate>;
  try {
    cert = new x509.X509Certificate(der);
    // Touch the fields now so a damaged structure fails here, with our message.
    void cert.subject;
    void cert.issuer;
    void cert.notBefore;
    void cert.notAfter;
  } catch (err) {
    throw new CertificateParseError(
      'The PEM block does not hold a readable X.509 certificate (the data is damaged or not a certificate).',
      {
        cause: err,
      },
    );
  }

  const [sha256, sha1] = await Promise.all([digest('SHA-256', der), digest('SHA-1', der)]);
  let subjectAltNames: string[] = [];
  let isCa = false;
  try {
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    subjectAltNames = san ? san.names.items.map((n) => `${n.type}:${n.value}`) : [];
  } catch {
    subjectAltNames = [];
  }
  try {
    isCa = cert.getExtension(x509.BasicConstraintsExtension)?.ca ?? false;
  } catch {
    isCa = false;
  }

  return {
    subject: cert.subject,
    issuer: cert.issuer,
    commonName: commonNameOf(cert),
    serialNumber: cert.serialNumber.toLowerCase(),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    ...keyOf(cert),
    sha256Fingerprint: formatFingerprint(sha256),
    sha1Fingerprint: formatFingerprint(sha1),
    certificateId: hex(sha256),
    signatureAlgorithm: signatureAlgorithmOf(cert),
    selfSigned: await selfSignedOf(cert),
    isCa,
    subjectAltNames,
  };
}

/** Why AWS would refuse to register this certificate now because of its dates, or undefined. */
export function validityProblem(
  info: Pick<CertificateInfo, 'notBefore' | 'notAfter'>,
  now: Date = new Date(),
): string | undefined {
  if (info.notAfter.getTime() < now.getTime()) {
    return `The certificate expired on ${info.notAfter.toISOString().slice(0, 10)}; AWS IoT does not register expired certificates.`;
  }
  if (info.notBefore.getTime() > now.getTime()) {
    return `The certificate is not valid until ${info.notBefore.toISOString().slice(0, 10)}; AWS IoT does not register it before then.`;
  }
  return undefined;
}

/** A short description of the key for tables: `RSA 2048`, `EC P-256`, `Ed25519`. */
export function describeKey(info: Pick<CertificateInfo, 'keyType' | 'keySize' | 'curve'>): string {
  if (info.keyType === 'RSA') return info.keySize ? `RSA ${info.keySize}` : 'RSA';
  if (info.keyType === 'EC') return info.curve ? `EC ${info.curve}` : 'EC';
  return info.keyType === 'unknown' ? 'Unknown key type' : info.keyType;
}

/**
 * Whether `caPem`'s key signed `certificatePem` and its subject is the certificate's issuer: the check
 * RegisterCertificate makes against the named CA. False when either does not parse or WebCrypto cannot
 * verify the algorithm.
 */
export async function isSignedBy(certificatePem: string, caPem: string): Promise<boolean> {
  try {
    const cert = new x509.X509Certificate(certificatePemToDer(certificatePem));
    const ca = new x509.X509Certificate(certificatePemToDer(caPem));
    if (cert.issuer !== ca.subject) return false;
    return await cert.verify({ publicKey: ca.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}
