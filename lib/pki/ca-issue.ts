/**
 * Certificates signed by a loaded CA (ca-load.ts), entirely in the browser or Node:
 * - issueCertificate / signDeviceCertificates: per device an EC P-256 key and a certificate (CN = device name,
 *   AKI/SKI, keyUsage digitalSignature, extendedKeyUsage clientAuth). These are made from a DER template rather
 *   than through @peculiar/x509: the ASN.1 library costs ~5 ms per certificate, the template ~0.05 ms, so the
 *   WebCrypto calls (key generation, export, SHA-1, one signature) are nearly all the cost and 1,000 certificates
 *   take about a second.
 * - createVerificationCertificate: what RegisterCACertificate (DEFAULT mode) wants as proof of possession: a
 *   certificate whose subject CN is the account's registration code, signed by the CA's key.
 */
import { CaInputError, EC_P256 } from './ca';
import type { LoadedCa } from './ca-load';
import {
  BOOLEAN_TRUE,
  bitString,
  commonNameOnly,
  ecdsaSignatureToDer,
  explicit,
  OID,
  octetString,
  oid,
  seq,
  time,
  tlv,
} from './der';
import { toPem } from './pem';
import { hex, randomSerial, sha, subtle } from './webcrypto';

const BASIC_CONSTRAINTS_END_ENTITY = seq(oid(OID.basicConstraints), BOOLEAN_TRUE, octetString(seq()));
// keyUsage digitalSignature (bit 0): BIT STRING with 7 unused bits, 0x80.
const KEY_USAGE_DIGITAL_SIGNATURE = seq(
  oid(OID.keyUsage),
  BOOLEAN_TRUE,
  octetString(tlv(0x03, new Uint8Array([0x07, 0x80]))),
);
const EKU_CLIENT_AUTH = seq(oid(OID.extKeyUsage), octetString(seq(oid(OID.clientAuth))));
const VERSION_3 = explicit(0, tlv(0x02, new Uint8Array([2])));

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
    seq(oid(OID.subjectKeyId), octetString(octetString(ski))),
    seq(oid(OID.authorityKeyId), octetString(seq(tlv(0x80, ca.keyIdentifier)))),
  ];
  const tbs = seq(
    VERSION_3,
    tlv(0x02, serial),
    ca.signing.algorithmIdentifier,
    ca.subjectDer,
    seq(time(notBefore), time(notAfter)),
    commonNameOnly(opts.commonName),
    spki,
    explicit(3, seq(...extensions)),
  );
  const raw = new Uint8Array(await s.sign(ca.signing.signParams, ca.privateKey, tbs as BufferSource));
  const signature = ca.signing.ecSize ? ecdsaSignatureToDer(raw, ca.signing.ecSize) : raw;
  const der = seq(tbs, ca.signing.algorithmIdentifier, bitString(signature));
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
