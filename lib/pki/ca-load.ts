/**
 * loadCa: a CA certificate PEM and its private key PEM (PKCS#8, or OpenSSL's traditional `EC PRIVATE KEY` /
 * `RSA PRIVATE KEY`), checked: the certificate must be a CA and the key must be its key (a signature made with the
 * key must verify with the certificate's public key), all before anything is sent to AWS. What it returns is what
 * ca-issue.ts signs with.
 */
import { CaInputError } from './ca';
import { children, content, DerError, NULL, OID, octetString, oid, oidToString, readTlv, seq, tlv } from './der';
import { pemBlockDer, readPemBlocks, toPem } from './pem';
import { hex, sha, subtle } from './webcrypto';
import { x509 } from './x509';

const CURVES: Record<string, { name: 'P-256' | 'P-384' | 'P-521'; hash: string; sigOid: string; size: number }> = {
  [OID.p256]: { name: 'P-256', hash: 'SHA-256', sigOid: OID.ecdsaWithSha256, size: 32 },
  [OID.p384]: { name: 'P-384', hash: 'SHA-384', sigOid: OID.ecdsaWithSha384, size: 48 },
  [OID.p521]: { name: 'P-521', hash: 'SHA-512', sigOid: OID.ecdsaWithSha512, size: 66 },
};

export interface SigningAlgorithm {
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
  const cert = readTlv(der, 0);
  if (cert.tag !== 0x30) throw new DerError('not a SEQUENCE');
  const [tbs] = children(der, cert);
  if (tbs?.tag !== 0x30) throw new DerError('no TBSCertificate');
  const f = children(der, tbs);
  // [0] version?, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, [1]? [2]? [3] extensions?
  const i = f[0]?.tag === 0xa0 ? 1 : 0;
  const subject = f[i + 4];
  const spki = f[i + 5];
  if (!subject || !spki) throw new DerError('incomplete TBSCertificate');
  const [alg, bits] = children(der, spki);
  const [algOid, algParam] = children(der, alg!);
  let isCa = false;
  let ski: Uint8Array | undefined;
  const extsWrapper = f.slice(i + 6).find((t) => t.tag === 0xa3);
  if (extsWrapper) {
    const [exts] = children(der, extsWrapper);
    for (const ext of children(der, exts!)) {
      const parts = children(der, ext);
      const id = oidToString(content(der, parts[0]!));
      const value = content(der, parts[parts.length - 1]!);
      if (id === OID.basicConstraints) {
        const [first] = children(value, readTlv(value, 0));
        isCa = first?.tag === 0x01 && value[first.contentStart] !== 0;
      } else if (id === OID.subjectKeyId) {
        ski = content(value, readTlv(value, 0));
      }
    }
  }
  return {
    der,
    subjectDer: der.subarray(subject.start, subject.end),
    spki: der.subarray(spki.start, spki.end),
    spkiAlgorithmOid: oidToString(content(der, algOid!)),
    spkiParameterOid: algParam?.tag === 0x06 ? oidToString(content(der, algParam)) : undefined,
    subjectPublicKey: content(der, bits!).subarray(1),
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

/** The well-formed PEM blocks of a text with their DER; an encrypted traditional key is labelled `ENCRYPTED …`. */
function pemBlocks(text: string): { label: string; der: Uint8Array }[] {
  return readPemBlocks(text)
    .filter((b) => b.label === b.endLabel)
    .map((b) => {
      // Proc-Type / DEK-Info headers: an OpenSSL-encrypted traditional key.
      if (b.hasHeaders) return { label: `ENCRYPTED ${b.label}`, der: new Uint8Array() };
      const der = pemBlockDer(b);
      if (!der) throw new CaInputError(`The ${b.label.toLowerCase()} block is not valid base64.`);
      return { label: b.label, der };
    });
}

const VERSION_0 = tlv(0x02, new Uint8Array([0]));

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
    return seq(VERSION_0, seq(oid(OID.rsaEncryption), NULL), octetString(key.der));
  }
  if (key.label === 'EC PRIVATE KEY') {
    // SEC1 ECPrivateKey; its curve is in its [0] parameters, or else the certificate's.
    let curve = parsed.spkiParameterOid;
    try {
      const param = children(key.der, readTlv(key.der, 0)).find((t) => t.tag === 0xa0);
      if (param) curve = oidToString(content(key.der, readTlv(key.der, param.contentStart, param.end)));
    } catch {
      throw new CaInputError('The EC private key could not be read (damaged PEM?).', 'privateKey');
    }
    return seq(VERSION_0, seq(oid(OID.ecPublicKey), oid(curve ?? OID.p256)), octetString(key.der));
  }
  throw new CaInputError(
    `A ${key.label} is not a key this page can read; export it as PKCS#8 (openssl pkcs8 -topk8 -nocrypt).`,
    'privateKey',
  );
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
