import {
  createHash,
  createPublicKey,
  generateKeyPair,
  KeyObject,
  randomBytes,
  sign as cryptoSign,
  verify as cryptoVerify,
  X509Certificate,
} from 'node:crypto';
import { promisify } from 'node:util';
import { x509 } from '../../lib/pki/x509';
import type { CertificateAuthority } from './authority';
import {
  BOOLEAN_TRUE,
  bitString,
  children,
  commonNameOnly,
  content,
  DerError,
  explicit,
  NULL,
  OID,
  octetString,
  oid,
  raw,
  readRoot,
  seq,
  time,
  tlv,
  unsignedInteger,
} from '../../lib/pki/der';
import { pemBlockDer, readPemBlocks, toPem } from '../../lib/pki/pem';

/**
 * Certificate work for the control plane: reading PEM certificates and CSRs, the certificate id AWS
 * uses (SHA-256 of the DER), and issuing device certificates from the emulator's issuing CA.
 * Errors meant for the caller are `PkiInputError`s; the HTTP layer turns them into AWS exceptions.
 */
export class PkiInputError extends Error {}

const signAsync = promisify(cryptoSign) as (alg: string | null, data: Uint8Array, key: KeyObject) => Promise<Buffer>;
const generateKeyPairAsync = promisify(generateKeyPair);

/** The id AWS gives a certificate: lowercase hex SHA-256 of its DER encoding. */
export const certificateIdOf = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

/** AWS's device certificates expire at the end of 2049, whatever day they were issued. */
export const AWS_ISSUED_NOT_AFTER = new Date('2049-12-31T23:59:59Z');
/** The subject CreateKeysAndCertificate gives every certificate. */
export const AWS_ISSUED_SUBJECT = 'CN=AWS IoT Certificate';

// ---------------------------------------------------------------------------------------------
// PEM

function pemBody(text: string, labels: string[], what: string): Buffer {
  const block = readPemBlocks(text)[0];
  if (!block || !labels.includes(block.label) || block.endLabel !== block.label) {
    throw new PkiInputError(`The ${what} is not PEM-encoded (expected -----BEGIN ${labels[0]}-----).`);
  }
  const der = pemBlockDer(block);
  if (!der) throw new PkiInputError(`The ${what} PEM contains invalid base64.`);
  return Buffer.from(der.buffer, der.byteOffset, der.byteLength);
}

// ---------------------------------------------------------------------------------------------
// Certificates

export interface ParsedCertificate {
  x509: X509Certificate;
  der: Buffer;
  /** Normalised PEM (64-column base64, trailing newline) of the first certificate given. */
  pem: string;
  certificateId: string;
  notBefore: number;
  notAfter: number;
}

/** Parses the first certificate of a PEM text; a malformed one is a PkiInputError naming `what`. */
export function parseCertificatePem(pem: string, what = 'certificate'): ParsedCertificate {
  const der = pemBody(pem, ['CERTIFICATE', 'TRUSTED CERTIFICATE', 'X509 CERTIFICATE'], what);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    throw new PkiInputError(`The ${what} could not be parsed as an X.509 certificate.`);
  }
  const exact = cert.raw;
  return {
    x509: cert,
    der: exact,
    pem: toPem('CERTIFICATE', exact),
    certificateId: certificateIdOf(exact),
    notBefore: Date.parse(cert.validFrom),
    notAfter: Date.parse(cert.validTo),
  };
}

/** Not yet valid or already expired, measured at `now` (epoch ms); undefined when valid. */
export function validityProblem(c: Pick<ParsedCertificate, 'notBefore' | 'notAfter'>, now: number): string | undefined {
  if (!(now >= c.notBefore)) return `is not valid before ${new Date(c.notBefore).toISOString()}`;
  if (!(now <= c.notAfter)) return `expired on ${new Date(c.notAfter).toISOString()}`;
  return undefined;
}

/** The subject's CommonName as Node prints it, or undefined. */
export function commonName(cert: X509Certificate): string | undefined {
  const m = /^CN=(.*)$/m.exec(cert.subject);
  return m ? m[1] : undefined;
}

/** Does `issuer`'s public key verify the signature on `cert`? (Callers compare the names themselves.) */
export function isSignedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// CSRs

export interface ParsedCsr {
  /** DER of the subject Name, copied verbatim into the issued certificate. */
  subjectDer: Buffer;
  /** DER of the SubjectPublicKeyInfo, copied verbatim into the issued certificate. */
  spkiDer: Buffer;
  publicKey: KeyObject;
}

/**
 * Signature algorithm OIDs (hex of the encoded value) a CSR may be signed with. AWS documents requirements on
 * the CSR's key only (CreateCertificateFromCsr: RSA of at least 2048 bits, or EC on P-256, P-384 or P-521); the
 * CSR's own signature is just proof that the requester holds that key, and the certificate AWS issues is signed
 * with AWS's SHA-256 whatever the CSR used. So SHA-1 and SHA-224 requests (older device stacks make them) are
 * accepted as long as the signature verifies.
 */
const CSR_SIGNATURES: Record<string, { hash: string; key: 'rsa' | 'ec'; name: string }> = {
  '2a864886f70d010105': { hash: 'sha1', key: 'rsa', name: 'SHA1withRSA' },
  '2a864886f70d01010e': { hash: 'sha224', key: 'rsa', name: 'SHA224withRSA' },
  '2a8648ce3d0401': { hash: 'sha1', key: 'ec', name: 'SHA1withECDSA' },
  '2a8648ce3d040301': { hash: 'sha224', key: 'ec', name: 'SHA224withECDSA' },
  '2a864886f70d01010b': { hash: 'sha256', key: 'rsa', name: 'SHA256withRSA' },
  '2a864886f70d01010c': { hash: 'sha384', key: 'rsa', name: 'SHA384withRSA' },
  '2a864886f70d01010d': { hash: 'sha512', key: 'rsa', name: 'SHA512withRSA' },
  '2a8648ce3d040302': { hash: 'sha256', key: 'ec', name: 'SHA256withECDSA' },
  '2a8648ce3d040303': { hash: 'sha384', key: 'ec', name: 'SHA384withECDSA' },
  '2a8648ce3d040304': { hash: 'sha512', key: 'ec', name: 'SHA512withECDSA' },
};
const RSASSA_PSS = '2a864886f70d01010a';
const ALLOWED_CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/**
 * Reads a PKCS#10 request, checks its key is one AWS IoT accepts (RSA of at least 2048 bits, or EC
 * on P-256, P-384 or P-521) and that the request is signed by that key (proof of possession).
 */
export async function parseCsr(pem: string): Promise<ParsedCsr> {
  const der = pemBody(pem, ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'], 'certificate signing request');
  let cri: Buffer, subject: Buffer, spki: Buffer, sigAlgOid: string, signature: Buffer;
  try {
    const root = readRoot(der);
    const [criT, algT, sigT] = children(der, root);
    if (!criT || !algT || !sigT || criT.tag !== 0x30 || algT.tag !== 0x30 || sigT.tag !== 0x03) {
      throw new DerError('not a CertificationRequest');
    }
    const [version, subjT, spkiT] = children(der, criT);
    if (version?.tag !== 0x02 || !subjT || subjT.tag !== 0x30 || !spkiT || spkiT.tag !== 0x30) {
      throw new DerError('not a CertificationRequestInfo');
    }
    if (!content(der, version).equals(Buffer.from([0]))) throw new DerError('unsupported CSR version');
    cri = raw(der, criT);
    subject = Buffer.from(raw(der, subjT));
    spki = Buffer.from(raw(der, spkiT));
    const algOid = children(der, algT)[0];
    if (algOid?.tag !== 0x06) throw new DerError('no signature algorithm');
    sigAlgOid = content(der, algOid).toString('hex');
    const sigBits = content(der, sigT);
    if (sigBits[0] !== 0) throw new DerError('signature has unused bits');
    signature = sigBits.subarray(1);
  } catch (e) {
    if (e instanceof DerError) {
      throw new PkiInputError(`The certificate signing request could not be parsed as PKCS#10: ${e.message}.`);
    }
    throw e;
  }

  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    throw new PkiInputError('The public key in the certificate signing request could not be read.');
  }
  checkKey(publicKey);

  const alg = CSR_SIGNATURES[sigAlgOid];
  let valid = false;
  if (alg) {
    const type = publicKey.asymmetricKeyType === 'ec' ? 'ec' : 'rsa';
    if (type === alg.key) {
      try {
        valid = cryptoVerify(alg.hash, cri, publicKey, signature);
      } catch {
        valid = false;
      }
    }
  } else if (sigAlgOid === RSASSA_PSS) {
    // Rare in practice; its parameters are easier left to the full library.
    try {
      valid = await new x509.Pkcs10CertificateRequest(new Uint8Array(der)).verify();
    } catch {
      valid = false;
    }
  } else {
    throw new PkiInputError(
      'The certificate signing request uses an unsupported signature algorithm; sign it with RSA or ECDSA (SHA-256 recommended).',
    );
  }
  if (!valid) {
    throw new PkiInputError('The signature of the certificate signing request does not verify with its public key.');
  }
  return { subjectDer: subject, spkiDer: spki, publicKey };
}

function checkKey(key: KeyObject) {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss': {
      const bits = details.modulusLength ?? 0;
      if (bits < 2048) {
        throw new PkiInputError(`The CSR's RSA key is ${bits} bits; AWS IoT requires at least 2048 bits.`);
      }
      return;
    }
    case 'ec':
      if (!ALLOWED_CURVES[details.namedCurve ?? '']) {
        throw new PkiInputError(
          `The CSR's EC key is on curve ${details.namedCurve ?? 'unknown'}; AWS IoT accepts NIST P-256, P-384 and P-521.`,
        );
      }
      return;
    default:
      throw new PkiInputError(
        `The CSR's ${key.asymmetricKeyType ?? 'unknown'} key is not supported; use RSA (2048 bits or more) or EC (P-256, P-384, P-521).`,
      );
  }
}

// ---------------------------------------------------------------------------------------------
// Issuing

/** What signing needs from the issuing CA, derived once per authority. */
export interface Issuer {
  key: KeyObject;
  hash: string;
  /** AlgorithmIdentifier of the CA's signatures. */
  sigAlg: Uint8Array;
  /** DER of the CA's subject, the issued certificates' issuer. */
  subjectDer: Buffer;
  /** The CA's subject key identifier, the issued certificates' authority key identifier. */
  keyId: Buffer;
  /** SHA-256 id of the issuing CA certificate (AWS reports no caCertificateId for the certificates it issues). */
  certificateId: string;
}

const issuers = new WeakMap<CertificateAuthority, Issuer>();

export function issuerOf(ca: CertificateAuthority): Issuer {
  let issuer = issuers.get(ca);
  if (issuer) return issuer;
  const der = Buffer.from(ca.certificate.rawData);
  const tbs = children(der, children(der, readRoot(der))[0]!);
  const i = tbs[0]!.tag === 0xa0 ? 1 : 0;
  const subjectDer = Buffer.from(raw(der, tbs[i + 4]!));
  const key = KeyObject.from(ca.privateKey);
  const ski = ca.certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const ec = key.asymmetricKeyType === 'ec';
  issuer = {
    key,
    hash: 'sha256',
    // sha256WithRSAEncryption (with its NULL parameters) or ecdsa-with-SHA256 (none).
    sigAlg: ec ? seq(oid(OID.ecdsaWithSha256)) : seq(oid(OID.sha256WithRsa), NULL),
    subjectDer,
    keyId: ski ? Buffer.from(ski, 'hex') : keyIdentifier(Buffer.from(raw(der, tbs[i + 5]!))),
    certificateId: certificateIdOf(der),
  };
  issuers.set(ca, issuer);
  return issuer;
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spkiDer: Buffer): Buffer {
  const [, bits] = children(spkiDer, readRoot(spkiDer));
  return createHash('sha1').update(content(spkiDer, bits!).subarray(1)).digest();
}

const SUBJECT_AWS_IOT = commonNameOnly('AWS IoT Certificate');

export interface IssuedCertificate {
  der: Uint8Array;
  pem: string;
  certificateId: string;
  notBefore: number;
  notAfter: number;
}

/**
 * Issues a device certificate as AWS IoT's CA does: v3, a random 20-byte serial, valid from now to
 * 2049-12-31T23:59:59Z, CA:FALSE and digitalSignature (both critical), subject and authority key ids.
 * Signing runs on libuv's thread pool so concurrent requests use every core.
 */
export async function issueCertificate(
  issuer: Issuer,
  opts: { subjectDer?: Buffer; spkiDer: Buffer; now: number; notAfter?: Date },
): Promise<IssuedCertificate> {
  const notBefore = new Date(Math.floor(opts.now / 1000) * 1000);
  // A provisioning claim's certificate ends after five minutes; every other one at the end of 2049.
  const notAfter = opts.notAfter ?? AWS_ISSUED_NOT_AFTER;
  const serial = randomBytes(20);
  serial[0] = serial[0]! & 0x7f || 0x01;
  const extensions = explicit(
    3,
    seq(
      seq(oid(OID.authorityKeyId), octetString(seq(tlv(0x80, issuer.keyId)))),
      seq(oid(OID.subjectKeyId), octetString(octetString(keyIdentifier(opts.spkiDer)))),
      seq(oid(OID.basicConstraints), BOOLEAN_TRUE, octetString(seq())),
      seq(oid(OID.keyUsage), BOOLEAN_TRUE, octetString(Buffer.from([0x03, 0x02, 0x07, 0x80]))),
    ),
  );
  const tbs = seq(
    explicit(0, Buffer.from([0x02, 0x01, 0x02])),
    unsignedInteger(serial),
    issuer.sigAlg,
    issuer.subjectDer,
    seq(time(notBefore), time(notAfter)),
    opts.subjectDer ?? SUBJECT_AWS_IOT,
    opts.spkiDer,
    extensions,
  );
  const signature = await signAsync(issuer.hash, tbs, issuer.key);
  const der = seq(tbs, issuer.sigAlg, bitString(signature));
  return {
    der,
    pem: toPem('CERTIFICATE', der),
    certificateId: certificateIdOf(der),
    notBefore: notBefore.getTime(),
    notAfter: notAfter.getTime(),
  };
}

export interface GeneratedKeyPair {
  spkiDer: Buffer;
  /** SubjectPublicKeyInfo PEM, as AWS returns keyPair.PublicKey. */
  publicKeyPem: string;
  /** PKCS#1 "RSA PRIVATE KEY" PEM, as AWS returns keyPair.PrivateKey. Never stored. */
  privateKeyPem: string;
}

/** A fresh RSA-2048 key pair, generated off the event loop. */
export async function generateRsaKeyPair(): Promise<GeneratedKeyPair> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  const spkiDer = publicKey.export({ type: 'spki', format: 'der' });
  return {
    spkiDer,
    publicKeyPem: toPem('PUBLIC KEY', spkiDer),
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
  };
}
