/**
 * Checks on the PEM an operator pastes or uploads for the "own certificate" and "own CSR" onboarding modes, with
 * messages fit to show beside the field. Pure and isomorphic (@peculiar/x509 + WebCrypto).
 */
import {
  CertificateParseError,
  inspectCertificate,
  MAX_CERTIFICATE_PEM_LENGTH,
  validityProblem,
  type CertificateInfo,
} from './inspect';
import { containsPrivateKey, pemBlockDer, readPemBlocks } from './pem';
import { x509 } from './x509';

/** AWS's limit on certificateSigningRequest and certificatePem (one limit, 65,536 characters). */
export const MAX_PEM_LENGTH = MAX_CERTIFICATE_PEM_LENGTH;

const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);

export interface CsrInfo {
  subject: string;
  commonName: string | undefined;
}

/** Reads one PKCS#10 CSR and verifies its self-signature; throws an Error whose message suits the field. */
export async function inspectCsr(pem: string): Promise<CsrInfo> {
  const text = pem.trim();
  if (!text) throw new Error('Paste or upload a certificate signing request (CSR).');
  // Never let a private key travel: refuse it with a message that does not echo it.
  if (containsPrivateKey(text))
    throw new Error('This is a private key. Give the CSR only; the key stays on the device.');
  if (text.length > MAX_PEM_LENGTH) throw new Error(`A CSR is at most ${MAX_PEM_LENGTH} characters.`);
  const blocks = readPemBlocks(text).filter((b) => CSR_LABELS.has(b.label) && CSR_LABELS.has(b.endLabel));
  if (blocks.length === 0) {
    if (/-----BEGIN CERTIFICATE-----/.test(text)) {
      throw new Error('This is a certificate, not a CSR. Choose "My own certificate" to register it.');
    }
    throw new Error('This is not a PEM CSR: expected "-----BEGIN CERTIFICATE REQUEST-----".');
  }
  if (blocks.length > 1) throw new Error('Give exactly one CSR.');
  let csr: InstanceType<typeof x509.Pkcs10CertificateRequest>;
  try {
    const der = pemBlockDer(blocks[0]!);
    if (!der) throw new Error('not base64');
    csr = new x509.Pkcs10CertificateRequest(der);
  } catch {
    throw new Error('The CSR could not be read (it may be truncated or edited).');
  }
  let valid = false;
  try {
    valid = await csr.verify();
  } catch {
    valid = false;
  }
  if (!valid)
    throw new Error('The CSR’s signature does not verify (its key algorithm may be unsupported, or it was edited).');
  let commonName: string | undefined;
  try {
    commonName = csr.subjectName.getField('CN')[0];
  } catch {
    commonName = undefined;
  }
  return { subject: csr.subject, commonName };
}

/** Reads a device certificate for registration; throws an Error whose message suits the field. */
export async function inspectDeviceCertificate(pem: string, now = new Date()): Promise<CertificateInfo> {
  const text = pem.trim();
  if (!text) throw new Error('Paste or upload the device certificate (PEM).');
  if (containsPrivateKey(text))
    throw new Error('This contains a private key. Give the certificate only; keep the key on the device.');
  if (text.length > MAX_PEM_LENGTH) throw new Error(`A certificate is at most ${MAX_PEM_LENGTH} characters.`);
  let info: CertificateInfo;
  try {
    info = await inspectCertificate(text);
  } catch (err) {
    throw new Error(err instanceof CertificateParseError ? err.message : 'The certificate could not be read.');
  }
  const problem = validityProblem(info, now);
  if (problem) throw new Error(problem);
  return info;
}

/** Reads the optional CA certificate for RegisterCertificate. */
export async function inspectCaCertificate(pem: string): Promise<CertificateInfo> {
  const text = pem.trim();
  if (containsPrivateKey(text)) throw new Error('This contains a private key. Give the CA certificate only.');
  try {
    return await inspectCertificate(text);
  } catch (err) {
    throw new Error(err instanceof CertificateParseError ? err.message : 'The CA certificate could not be read.');
  }
}
