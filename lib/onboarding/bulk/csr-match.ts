import { x509 } from '../../pki/x509';

/**
 * Whether a certificate carries the public key of a CSR: how a restarted job finds the certificate that
 * CreateCertificateFromCsr made just before the crash (the call is not idempotent, and the certificate id is
 * the hash of a certificate nobody had seen yet). Compares the DER SubjectPublicKeyInfo byte for byte.
 */
export function csrPublicKey(csrPem: string): Uint8Array {
  return new Uint8Array(new x509.Pkcs10CertificateRequest(csrPem).publicKey.rawData);
}

export function certificateHasKey(certificatePem: string, spki: Uint8Array): boolean {
  try {
    const key = new Uint8Array(new x509.X509Certificate(certificatePem).publicKey.rawData);
    return key.length === spki.length && key.every((b, i) => b === spki[i]);
  } catch {
    return false;
  }
}
