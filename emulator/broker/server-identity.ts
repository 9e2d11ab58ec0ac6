import { generateKeyPairSync, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { x509 } from '../../lib/pki/x509';
import { randomSerial, RSA_SIGNING, type Authority } from '../pki/authority';

/**
 * The broker's TLS identity: a server certificate for the names clients dial (localhost, 127.0.0.1, ::1
 * and the DescribeEndpoint host), issued by the emulator's root CA, so a client that trusts
 * `<dataDir>/root-ca.pem` verifies the broker exactly as a device trusting Amazon Root CA 1 verifies AWS.
 * Kept under `<dataDir>/pki` and reissued only when the names change.
 */
export interface ServerIdentity {
  key: string;
  cert: string;
  names: string[];
}

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export async function loadOrCreateServerIdentity(
  authority: Authority,
  dataDir: string | null,
  endpointHost: string,
): Promise<ServerIdentity> {
  const names = [...new Set(['localhost', '127.0.0.1', '::1', endpointHost])].sort();
  const dir = dataDir ? path.join(dataDir, 'pki') : null;
  if (dir) {
    try {
      const saved = JSON.parse(fs.readFileSync(path.join(dir, 'broker-names.json'), 'utf8')) as string[];
      if (saved.join() === names.join()) {
        return {
          key: fs.readFileSync(path.join(dir, 'broker.key'), 'utf8'),
          cert: fs.readFileSync(path.join(dir, 'broker.pem'), 'utf8'),
          names,
        };
      }
    } catch {
      // Not made yet, or from an older layout: issue a new one below.
    }
  }
  const identity = await issue(authority, names);
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'broker.key'), identity.key, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'broker.pem'), identity.cert);
    fs.writeFileSync(path.join(dir, 'broker-names.json'), JSON.stringify(names));
  }
  return identity;
}

async function issue(authority: Authority, names: string[]): Promise<ServerIdentity> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const webPublic = await webcrypto.subtle.importKey('spki', spki, EC_P256, true, ['verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=localhost, O=Local IoT Core',
    issuer: authority.root.certificate.subject,
    notBefore: new Date(Date.now() - 3600 * 1000),
    // Two years, under the 825-day ceiling TLS clients enforce on server certificates.
    notAfter: new Date(Date.now() + 800 * 24 * 3600 * 1000),
    publicKey: webPublic,
    signingKey: authority.root.privateKey,
    signingAlgorithm: RSA_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        names.map((n) => (isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(authority.root.certificate),
    ],
  });
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: cert.toString('pem') + '\n',
    names,
  };
}
