/**
 * The operator's own certificate authority, entirely where the operator sits (browser, or Node for tests and
 * benchmarks): WebCrypto and a few hundred lines of DER, no node: imports and nothing sent anywhere.
 *
 * - createCa: a key pair (EC P-256 by default, RSA 2048 as an option) and a self-signed CA certificate
 *   (basicConstraints cA=TRUE critical, keyUsage keyCertSign|cRLSign critical, subjectKeyIdentifier), the key
 *   exported as PKCS#8 PEM. Built with @peculiar/x509 (one certificate, speed does not matter).
 * - loadCa: a CA certificate PEM and its private key PEM (PKCS#8, or OpenSSL's traditional `EC PRIVATE KEY` /
 *   `RSA PRIVATE KEY`), checked: the certificate must be a CA and the key must be its key (a signature made with
 *   the key must verify with the certificate's public key), all before anything is sent to AWS.
 * - createVerificationCertificate: what RegisterCACertificate (DEFAULT mode) wants as proof of possession: a
 *   certificate whose subject CN is the account's registration code, signed by the CA's key.
 * - signDeviceCertificates: per device an EC P-256 key and a certificate (CN = device name, AKI/SKI,
 *   keyUsage digitalSignature, extendedKeyUsage clientAuth). These are made from a DER template rather than
 *   through @peculiar/x509: the ASN.1 library costs ~5 ms per certificate, the template ~0.05 ms, so the
 *   WebCrypto calls (key generation, export, SHA-1, one signature) are nearly all the cost and 1,000
 *   certificates take about a second.
 */
import { x509 } from './x509';
import { toPem } from './pem';

// ---------------------------------------------------------------------------------------------
// DER: just what certificates need

const enc = new TextEncoder();

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = content.length === 1 ? content[0]! : concat(content);
  const head = [tag, ...lengthBytes(body.length)];
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

const seq = (...c: Uint8Array[]) => tlv(0x30, ...c);
const set = (...c: Uint8Array[]) => tlv(0x31, ...c);
const octets = (c: Uint8Array) => tlv(0x04, c);
const TRUE = new Uint8Array([0x01, 0x01, 0xff]);
const NULL = new Uint8Array([0x05, 0x00]);

/** A non-negative INTEGER from big-endian magnitude bytes (minimal, with a 0x00 when the top bit is set). */
function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  return trimmed[0]! & 0x80 ? tlv(0x02, new Uint8Array([0]), trimmed) : tlv(0x02, trimmed);
}

function oid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const group: number[] = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      group.unshift(0x80 | (v & 0x7f));
      v = Math.floor(v / 128);
    }
    bytes.push(...group);
  }
  return tlv(0x06, new Uint8Array(bytes));
}

function oidToString(content: Uint8Array): string {
  const out = [Math.floor(content[0]! / 40), content[0]! % 40];
  let v = 0;
  for (let i = 1; i < content.length; i++) {
    v = v * 128 + (content[i]! & 0x7f);
    if (!(content[i]! & 0x80)) {
      out.push(v);
      v = 0;
    }
  }
  return out.join('.');
}

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
function time(date: Date): Uint8Array {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const y = date.getUTCFullYear();
  const rest = `${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z`;
  return y >= 1950 && y < 2050 ? tlv(0x17, enc.encode(p(y % 100) + rest)) : tlv(0x18, enc.encode(p(y, 4) + rest));
}

interface Tlv {
  tag: number;
  /** Whole element (header + content). */
  all: Uint8Array;
  content: Uint8Array;
}

function read(bytes: Uint8Array, offset = 0): Tlv {
  if (offset + 2 > bytes.length) throw new Error('truncated DER');
  const tag = bytes[offset]!;
  let len = bytes[offset + 1]!;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[offset + 2 + i]!;
    head += n;
  }
  const end = offset + head + len;
  if (end > bytes.length) throw new Error('truncated DER');
  return { tag, all: bytes.subarray(offset, end), content: bytes.subarray(offset + head, end) };
}

function children(content: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let o = 0; o < content.length; ) {
    const t = read(content, o);
    out.push(t);
    o += t.all.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// PEM

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function pemBlocks(text: string): { label: string; der: Uint8Array }[] {
  const out: { label: string; der: Uint8Array }[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const body = m[2]!;
    if (/^[A-Za-z-]+:/m.test(body)) {
      // Proc-Type / DEK-Info headers: an OpenSSL-encrypted traditional key.
      out.push({ label: `ENCRYPTED ${m[1]!}`, der: new Uint8Array() });
      continue;
    }
    const b64 = body.replace(/\s+/g, '');
    try {
      const bin = atob(b64);
      const der = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) der[i] = bin.charCodeAt(i);
      out.push({ label: m[1]!, der });
    } catch {
      throw new CaInputError(`The ${m[1]!.toLowerCase()} block is not valid base64.`);
    }
  }
  return out;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

// ---------------------------------------------------------------------------------------------
// Algorithms

export type CaKeyAlgorithm = 'EC' | 'RSA';

export const CA_KEY_ALGORITHMS: readonly { value: CaKeyAlgorithm; label: string }[] = [
  { value: 'EC', label: 'EC P-256 (ECDSA, recommended)' },
  { value: 'RSA', label: 'RSA 2048' },
];

const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  ecdsaSha512: '1.2.840.10045.4.3.4',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const CURVES: Record<string, { name: 'P-256' | 'P-384' | 'P-521'; hash: string; sigOid: string; size: number }> = {
  [OID.p256]: { name: 'P-256', hash: 'SHA-256', sigOid: OID.ecdsaSha256, size: 32 },
  [OID.p384]: { name: 'P-384', hash: 'SHA-384', sigOid: OID.ecdsaSha384, size: 48 },
  [OID.p521]: { name: 'P-521', hash: 'SHA-512', sigOid: OID.ecdsaSha512, size: 66 },
};

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const RSA_2048 = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
} as const;

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto is not available here (it needs a secure context: https or localhost).');
  return s;
}

/** Why a CA certificate or key was refused; the message is fit to show beside the field. */
export class CaInputError extends Error {
  readonly field: 'certificate' | 'privateKey' | 'other';
  constructor(message: string, field: 'certificate' | 'privateKey' | 'other' = 'other') {
    super(message);
    this.name = 'CaInputError';
    this.field = field;
  }
}

// ---------------------------------------------------------------------------------------------
// Creating a CA

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

function randomSerial(): Uint8Array {
  const s = crypto.getRandomValues(new Uint8Array(16));
  s[0] = (s[0]! & 0x7f) | 0x01; // positive, 16 significant bytes
  return s;
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

// ---------------------------------------------------------------------------------------------
// Loading a CA (certificate + key) for signing

interface SigningAlgorithm {
  /** For importKey. */
  importParams: EcKeyImportParams | RsaHashedImportParams;
  /** For sign. */
  signParams: EcdsaParams | AlgorithmIdentifier;
  /** DER AlgorithmIdentifier written into certificates. */
  algorithmIdentifier: Uint8Array;
  /** ECDSA: bytes per coordinate (P1363 -> DER conversion); 0 for RSA. */
  ecSize: number;
}

export interface LoadedCa {
  certificatePem: string;
  /** The CA certificate's subject as a string (for display). */
  subject: string;
  commonName: string | undefined;
  notBefore: Date;
  notAfter: Date;
  /** Lowercase hex SHA-256 of the certificate's DER: the id AWS IoT gives it. */
  certificateId: string;
  keyAlgorithm: string;
  /** Raw DER of the subject Name, copied byte for byte into issued certificates' issuer. */
  subjectDer: Uint8Array;
  /** The CA's key identifier (its SKI, or SHA-1 of its public key) for issued certificates' AKI. */
  keyIdentifier: Uint8Array;
  privateKey: CryptoKey;
  signing: SigningAlgorithm;
}

interface ParsedCertificate {
  der: Uint8Array;
  subjectDer: Uint8Array;
  spki: Uint8Array;
  spkiAlgorithmOid: string;
  spkiParameterOid: string | undefined;
  subjectPublicKey: Uint8Array;
  isCa: boolean;
  ski: Uint8Array | undefined;
}

function parseCertificateDer(der: Uint8Array): ParsedCertificate {
  const cert = read(der);
  if (cert.tag !== 0x30) throw new Error('not a SEQUENCE');
  const [tbs] = children(cert.content);
  if (tbs?.tag !== 0x30) throw new Error('no TBSCertificate');
  const f = children(tbs.content);
  // [0] version?, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, [1]? [2]? [3] extensions?
  const i = f[0]?.tag === 0xa0 ? 1 : 0;
  const subject = f[i + 4];
  const spki = f[i + 5];
  if (!subject || !spki) throw new Error('incomplete TBSCertificate');
  const [alg, bits] = children(spki.content);
  const [algOid, algParam] = children(alg!.content);
  let isCa = false;
  let ski: Uint8Array | undefined;
  const extsWrapper = f.slice(i + 6).find((t) => t.tag === 0xa3);
  if (extsWrapper) {
    const [exts] = children(extsWrapper.content);
    for (const ext of children(exts!.content)) {
      const parts = children(ext.content);
      const id = oidToString(parts[0]!.content);
      const value = parts[parts.length - 1]!.content;
      if (id === OID.basicConstraints) {
        const [first] = children(read(value).content);
        isCa = first?.tag === 0x01 && first.content[0] !== 0;
      } else if (id === OID.subjectKeyId) {
        ski = read(value).content;
      }
    }
  }
  return {
    der,
    subjectDer: subject.all,
    spki: spki.all,
    spkiAlgorithmOid: oidToString(algOid!.content),
    spkiParameterOid: algParam?.tag === 0x06 ? oidToString(algParam.content) : undefined,
    subjectPublicKey: bits!.content.subarray(1),
    isCa,
    ski,
  };
}

function signingAlgorithmFor(parsed: ParsedCertificate): SigningAlgorithm {
  if (parsed.spkiAlgorithmOid === OID.ecPublicKey) {
    const curve = CURVES[parsed.spkiParameterOid ?? ''];
    if (!curve)
      throw new CaInputError(
        'The CA key uses an elliptic curve WebCrypto cannot sign with (use P-256, P-384 or P-521).',
        'certificate',
      );
    return {
      importParams: { name: 'ECDSA', namedCurve: curve.name },
      signParams: { name: 'ECDSA', hash: curve.hash },
      algorithmIdentifier: seq(oid(curve.sigOid)),
      ecSize: curve.size,
    };
  }
  if (parsed.spkiAlgorithmOid === OID.rsaEncryption) {
    return {
      importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      signParams: { name: 'RSASSA-PKCS1-v1_5' },
      algorithmIdentifier: seq(oid(OID.sha256WithRsa), NULL),
      ecSize: 0,
    };
  }
  throw new CaInputError(
    `The CA certificate's key type (${parsed.spkiAlgorithmOid}) is not supported: use an EC or RSA CA.`,
    'certificate',
  );
}

/** PKCS#8 from what OpenSSL may have written: PRIVATE KEY as is, EC/RSA PRIVATE KEY wrapped. */
function pkcs8From(keyPem: string, parsed: ParsedCertificate): Uint8Array {
  const blocks = pemBlocks(keyPem);
  const key = blocks.find((b) => b.label.includes('PRIVATE KEY'));
  if (!key) {
    if (blocks.some((b) => b.label === 'CERTIFICATE')) {
      throw new CaInputError(
        'This is a certificate, not a private key. Choose the CA’s private key file (e.g. rootCA.key).',
        'privateKey',
      );
    }
    throw new CaInputError(
      'No private key found: expected a PEM private key (PKCS#8, or an EC or RSA key as OpenSSL writes them).',
      'privateKey',
    );
  }
  if (key.label.startsWith('ENCRYPTED')) {
    throw new CaInputError(
      'The private key is encrypted with a passphrase. Decrypt a copy first: openssl pkcs8 -topk8 -nocrypt -in ca.key -out ca-plain.key',
      'privateKey',
    );
  }
  if (key.label === 'PRIVATE KEY') return key.der;
  if (key.label === 'RSA PRIVATE KEY') {
    return seq(tlv(0x02, new Uint8Array([0])), seq(oid(OID.rsaEncryption), NULL), octets(key.der));
  }
  if (key.label === 'EC PRIVATE KEY') {
    // SEC1 ECPrivateKey; its curve is in its [0] parameters, or else the certificate's.
    let curve = parsed.spkiParameterOid;
    try {
      const param = children(read(key.der).content).find((t) => t.tag === 0xa0);
      if (param) curve = oidToString(read(param.content).content);
    } catch {
      throw new CaInputError('The EC private key could not be read (damaged PEM?).', 'privateKey');
    }
    return seq(tlv(0x02, new Uint8Array([0])), seq(oid(OID.ecPublicKey), oid(curve ?? OID.p256)), octets(key.der));
  }
  throw new CaInputError(
    `A ${key.label} is not a key this page can read; export it as PKCS#8 (openssl pkcs8 -topk8 -nocrypt).`,
    'privateKey',
  );
}

async function sha(name: 'SHA-1' | 'SHA-256', data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest(name, data as BufferSource));
}

/**
 * Reads and checks a CA for signing. Throws CaInputError (field: certificate | privateKey) with a message for the
 * operator when the certificate is not a CA, the key cannot be read, or the key is not this certificate's key.
 */
export async function loadCa(certificatePem: string, privateKeyPem: string): Promise<LoadedCa> {
  const certBlocks = pemBlocks(certificatePem).filter((b) => b.label === 'CERTIFICATE');
  if (certBlocks.length === 0) {
    if (/PRIVATE KEY/.test(certificatePem))
      throw new CaInputError(
        'This is a private key, not a certificate. Choose the CA certificate (e.g. rootCA.pem).',
        'certificate',
      );
    throw new CaInputError('No certificate found: expected -----BEGIN CERTIFICATE-----.', 'certificate');
  }
  const der = certBlocks[0]!.der;
  let parsed: ParsedCertificate;
  let info: x509.X509Certificate;
  try {
    parsed = parseCertificateDer(der);
    info = new x509.X509Certificate(der as BufferSource);
  } catch {
    throw new CaInputError('The CA certificate could not be read (damaged PEM?).', 'certificate');
  }
  if (!parsed.isCa) {
    throw new CaInputError(
      'This certificate is not a CA: its basicConstraints do not say CA:TRUE, so AWS IoT would refuse it.',
      'certificate',
    );
  }
  const signing = signingAlgorithmFor(parsed);
  let privateKey: CryptoKey;
  try {
    privateKey = await subtle().importKey(
      'pkcs8',
      pkcs8From(privateKeyPem, parsed) as BufferSource,
      signing.importParams,
      false,
      ['sign'],
    );
  } catch (e) {
    if (e instanceof CaInputError) throw e;
    throw new CaInputError(
      `The private key could not be used as this CA’s ${signing.ecSize ? 'EC' : 'RSA'} key: it is damaged or of another type than the certificate’s key.`,
      'privateKey',
    );
  }
  // Proof that the key belongs to the certificate: sign a challenge, verify with the certificate's public key.
  const challenge = crypto.getRandomValues(new Uint8Array(32));
  const publicKey = await subtle().importKey('spki', parsed.spki as BufferSource, signing.importParams, false, [
    'verify',
  ]);
  const signature = await subtle().sign(signing.signParams, privateKey, challenge);
  if (!(await subtle().verify(signing.signParams, publicKey, signature, challenge))) {
    throw new CaInputError(
      'This private key does not belong to this CA certificate (a signature made with it does not verify with the certificate’s public key).',
      'privateKey',
    );
  }
  const commonName = info.subjectName.getField('CN')[0];
  return {
    certificatePem: toPem('CERTIFICATE', der),
    subject: info.subject,
    commonName,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    certificateId: hex(await sha('SHA-256', der)),
    keyAlgorithm: signing.ecSize ? `EC ${(signing.importParams as EcKeyImportParams).namedCurve}` : 'RSA',
    subjectDer: parsed.subjectDer,
    keyIdentifier: parsed.ski ?? (await sha('SHA-1', parsed.subjectPublicKey)),
    privateKey,
    signing,
  };
}

// ---------------------------------------------------------------------------------------------
// Issuing certificates from a DER template

function ecdsaToDer(p1363: Uint8Array, size: number): Uint8Array {
  return seq(unsignedInteger(p1363.subarray(0, size)), unsignedInteger(p1363.subarray(size, 2 * size)));
}

function commonNameDer(cn: string): Uint8Array {
  // UTF8String; CN is limited to 64 characters by RFC 5280's ub-common-name.
  return seq(set(seq(oid(OID.commonName), tlv(0x0c, enc.encode(cn)))));
}

const BASIC_CONSTRAINTS_END_ENTITY = seq(oid(OID.basicConstraints), TRUE, octets(seq()));
// keyUsage digitalSignature (bit 0): BIT STRING with 7 unused bits, 0x80.
const KEY_USAGE_DIGITAL_SIGNATURE = seq(oid(OID.keyUsage), TRUE, octets(tlv(0x03, new Uint8Array([0x07, 0x80]))));
const EKU_CLIENT_AUTH = seq(oid(OID.extKeyUsage), octets(seq(oid(OID.clientAuth))));
const VERSION_3 = tlv(0xa0, tlv(0x02, new Uint8Array([2])));

export interface IssueOptions {
  commonName: string;
  /** Default 3650 days, never past the CA's own notAfter. */
  validityDays?: number;
  now?: Date;
  /** clientAuth EKU (devices); the verification certificate needs none. */
  clientAuth?: boolean;
}

export interface IssuedCertificate {
  commonName: string;
  certificatePem: string;
  /** PKCS#8 PEM of the new EC P-256 key. */
  privateKeyPem: string;
  /** Lowercase hex SHA-256 of the DER: the id AWS IoT will give the certificate. */
  certificateId: string;
  serialNumber: string;
  notAfter: Date;
}

/** RFC 5280's upper bound on a common name. */
export const MAX_COMMON_NAME_LENGTH = 64;

export async function issueCertificate(ca: LoadedCa, opts: IssueOptions): Promise<IssuedCertificate> {
  const s = subtle();
  if (!opts.commonName || opts.commonName.length > MAX_COMMON_NAME_LENGTH) {
    throw new CaInputError(`A certificate common name must be 1-${MAX_COMMON_NAME_LENGTH} characters.`);
  }
  const keys = (await s.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const [pkcs8, spkiBuf] = await Promise.all([
    s.exportKey('pkcs8', keys.privateKey),
    s.exportKey('spki', keys.publicKey),
  ]);
  const spki = new Uint8Array(spkiBuf);
  // For EC P-256 SPKI (91 bytes) the BIT STRING's key bytes are the last 65.
  const ski = await sha('SHA-1', spki.subarray(spki.length - 65));
  const now = opts.now ?? new Date();
  const notBefore = new Date(Math.max(now.getTime() - 60 * 60 * 1000, ca.notBefore.getTime()));
  const wanted = now.getTime() + (opts.validityDays ?? 3650) * 86_400_000;
  const notAfter = new Date(Math.floor(Math.min(wanted, ca.notAfter.getTime()) / 1000) * 1000);
  const serial = randomSerial();
  const extensions = [
    BASIC_CONSTRAINTS_END_ENTITY,
    KEY_USAGE_DIGITAL_SIGNATURE,
    ...(opts.clientAuth === false ? [] : [EKU_CLIENT_AUTH]),
    seq(oid(OID.subjectKeyId), octets(octets(ski))),
    seq(oid(OID.authorityKeyId), octets(seq(tlv(0x80, ca.keyIdentifier)))),
  ];
  const tbs = seq(
    VERSION_3,
    tlv(0x02, serial),
    ca.signing.algorithmIdentifier,
    ca.subjectDer,
    seq(time(notBefore), time(notAfter)),
    commonNameDer(opts.commonName),
    spki,
    tlv(0xa3, seq(...extensions)),
  );
  const raw = new Uint8Array(await s.sign(ca.signing.signParams, ca.privateKey, tbs as BufferSource));
  const signature = ca.signing.ecSize ? ecdsaToDer(raw, ca.signing.ecSize) : raw;
  const der = seq(tbs, ca.signing.algorithmIdentifier, tlv(0x03, new Uint8Array([0]), signature));
  return {
    commonName: opts.commonName,
    certificatePem: toPem('CERTIFICATE', der),
    privateKeyPem: toPem('PRIVATE KEY', pkcs8),
    certificateId: hex(await sha('SHA-256', der)),
    serialNumber: hex(serial),
    notAfter,
  };
}

/**
 * The certificate RegisterCACertificate (DEFAULT mode) verifies: subject CN = the account's registration code
 * (GetRegistrationCode), signed by the CA's private key. Its own key is thrown away.
 */
export async function createVerificationCertificate(
  ca: LoadedCa,
  registrationCode: string,
  now?: Date,
): Promise<string> {
  const code = registrationCode.trim();
  if (!/^[0-9a-fA-F]{1,64}$/.test(code))
    throw new CaInputError('The registration code from AWS IoT is not the expected hex string.');
  const issued = await issueCertificate(ca, { commonName: code, validityDays: 365, clientAuth: false, now });
  return issued.certificatePem;
}

export interface SignProgress {
  done: number;
  total: number;
}

export interface SignOptions {
  validityDays?: number;
  /** How many certificates are in flight at once (WebCrypto runs them on its own threads). Default 32. */
  concurrency?: number;
  onProgress?: (p: SignProgress) => void;
  /** Called with each finished batch, in order (e.g. to stream to the page). */
  onBatch?: (batch: IssuedCertificate[], offset: number) => void;
  signal?: AbortSignal;
  now?: Date;
}

/** Signs one certificate per name, in order. Zero network calls. */
export async function signDeviceCertificates(
  ca: LoadedCa,
  names: readonly string[],
  opts: SignOptions = {},
): Promise<IssuedCertificate[]> {
  const size = Math.max(1, opts.concurrency ?? 32);
  const out: IssuedCertificate[] = [];
  const now = opts.now ?? new Date();
  for (let i = 0; i < names.length; i += size) {
    if (opts.signal?.aborted) throw new DOMException('Signing was cancelled.', 'AbortError');
    const batch = await Promise.all(
      names
        .slice(i, i + size)
        .map((commonName) => issueCertificate(ca, { commonName, validityDays: opts.validityDays, now })),
    );
    out.push(...batch);
    opts.onBatch?.(batch, i);
    opts.onProgress?.({ done: out.length, total: names.length });
  }
  return out;
}
