import { pemToDer } from '../../pki/pem';
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

/**
 * Whether a certificate is the one for a key pair: its public key is the pair's (SPKI PEM). The job page checks
 * every key it is about to put in a zip against its device's certificate, so a zip never pairs a certificate
 * with a key that cannot use it.
 */
export function certificateMatchesPublicKey(certificatePem: string, publicKeyPem: string): boolean {
  const spki = pemToDer(publicKeyPem, 'PUBLIC KEY');
  return spki !== undefined && certificateHasKey(certificatePem, spki);
}
