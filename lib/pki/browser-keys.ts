/**
 * Device keys made where the operator sits: a WebCrypto key pair (EC P-256 by default, or RSA-2048), the
 * private key exported as PKCS#8 PEM for the credential bundle, the public key as SPKI PEM, and a PKCS#10
 * CSR signed with the private key whose subject is `CN=<thing name>`. AWS IoT signs the CSR
 * (CreateCertificateFromCsr) without ever seeing the private key. Isomorphic: the global WebCrypto only,
 * so the browser uses it and Node tests and benchmarks make CSRs the same way.
 */
import { x509 } from './x509';
import { toPem } from './pem';

export type KeyAlgorithm = 'EC' | 'RSA';

export const KEY_ALGORITHMS: readonly { value: KeyAlgorithm; label: string }[] = [
  { value: 'EC', label: 'EC P-256 (ECDSA, recommended)' },
  { value: 'RSA', label: 'RSA 2048' },
];

const EC_PARAMS = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const RSA_PARAMS = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
} as const;

export interface DeviceKeys {
  algorithm: KeyAlgorithm;
  /** PKCS#8 PEM (label `PRIVATE KEY`), what OpenSSL, mbedTLS, mosquitto and AWS's SDKs read. */
  privateKeyPem: string;
  /** SPKI (`-----BEGIN PUBLIC KEY-----`). */
  publicKeyPem: string;
  /** PKCS#10 (`-----BEGIN CERTIFICATE REQUEST-----`), subject CN = the thing name. */
  csrPem: string;
}

/** Escapes a value for an RFC 4514 distinguished name (thing names are `[a-zA-Z0-9:_-]`, so rarely needed). */
function escapeDnValue(value: string): string {
  return value
    .replace(/([,+"\\<>;=])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto is not available here (it needs a secure context: https or localhost).');
  return s;
}

/** Generates a key pair and a CSR for `commonName`. The private key stays in the caller's memory. */
export async function generateDeviceKeys(commonName: string, algorithm: KeyAlgorithm = 'EC'): Promise<DeviceKeys> {
  if (!commonName) throw new Error('A common name (the thing name) is required for the CSR.');
  const params = algorithm === 'RSA' ? RSA_PARAMS : EC_PARAMS;
  // Extractable: the private key goes into the bundle (and nowhere else).
  const keys = (await subtle().generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  const [pkcs8, spki] = await Promise.all([
    subtle().exportKey('pkcs8', keys.privateKey),
    subtle().exportKey('spki', keys.publicKey),
  ]);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${escapeDnValue(commonName)}`,
    keys,
    signingAlgorithm: params,
  });
  return {
    algorithm,
    privateKeyPem: toPem('PRIVATE KEY', pkcs8),
    publicKeyPem: toPem('PUBLIC KEY', spki),
    csrPem: csr.toString('pem') + '\n',
  };
}
