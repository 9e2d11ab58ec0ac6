import { randomUUID, type X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { EmulatorContext } from '../context';
import { arns } from '../config';
import { caX509 } from '../iot/certificates';
import { provisioningClaim } from '../iot/provisioning-claims';
import { certificateIdOf, isSignedBy, validityProblem } from '../pki/certificates';
import type { CaCertificateRecord, CertificateRecord } from '../store/records';
import { certificateContext, type DeviceSession } from './authorization';

/**
 * Mutual TLS as AWS IoT does it: the client certificate must be registered in the account and ACTIVE
 * (issued by the service, registered without a CA, or signed by a registered CA), within its validity,
 * and a CA that signed it must itself be ACTIVE. A certificate the registry doesn't know but that a
 * registered CA signed goes to just-in-time registration/provisioning, which decides its fate. A certificate of
 * CreateProvisioningClaim is no account certificate: it is let in while its claim lasts, as a claim session.
 */
export type Authentication = { ok: true; session: DeviceSession } | { ok: false; reason: string };

/** Just-in-time registration/provisioning (emulator/iot/jit.ts), injected to keep this module testable. */
export type UnregisteredCertificateHandler = (
  ctx: EmulatorContext,
  leafPem: string,
  ca: CaCertificateRecord,
) => Promise<{ kind: 'refused'; reason: string } | { kind: 'provisioned'; certificate: CertificateRecord }>;

export async function authenticateDevice(
  ctx: EmulatorContext,
  socket: TLSSocket,
  onUnregistered: UnregisteredCertificateHandler,
): Promise<Authentication> {
  const peer = socket.getPeerX509Certificate();
  if (!peer) return { ok: false, reason: 'no client certificate was presented' };
  const certificateId = certificateIdOf(peer.raw);
  let record = ctx.store.c.certificates.get(certificateId);
  if (!record) {
    // A CreateProvisioningClaim certificate: not an account certificate, good for five minutes.
    const claim = ctx.store.c.provisioningClaims.get(certificateId);
    if (claim) {
      if (!provisioningClaim(ctx, certificateId)) {
        return {
          ok: false,
          reason: `provisioning claim ${certificateId} expired at ${new Date(claim.expiration).toISOString()}`,
        };
      }
      const session = deviceSession(socket, peer, certificateId, arns(ctx.config).cert(certificateId));
      return {
        ok: true,
        session: { ...session, claim: { templateName: claim.templateName, expiration: claim.expiration } },
      };
    }
  }

  // Unknown, or registered by an earlier JITR/JITP attempt and still pending: the CA's just-in-time
  // path decides again (AWS re-publishes the registration event and re-runs a fixed template).
  const pendingCa =
    record?.status === 'PENDING_ACTIVATION' && record.caCertificateId
      ? ctx.store.c.caCertificates.get(record.caCertificateId)
      : undefined;
  if (!record || pendingCa) {
    const ca = pendingCa ?? registeredIssuer(ctx, peer);
    if (!ca) return { ok: false, reason: `certificate ${certificateId} is not registered in this account` };
    const outcome = await onUnregistered(ctx, peer.toString(), ca);
    if (outcome.kind === 'refused') return { ok: false, reason: outcome.reason };
    record = outcome.certificate;
  }
  if (record.status !== 'ACTIVE') {
    return { ok: false, reason: `certificate ${certificateId} is ${record.status}, not ACTIVE` };
  }
  const seen = readCertificate(peer, certificateId);
  const expired = validityProblem(seen, ctx.now());
  if (expired) return { ok: false, reason: `certificate ${certificateId} ${expired}` };
  const ca = record.caCertificateId ? ctx.store.c.caCertificates.get(record.caCertificateId) : undefined;
  if (ca && ca.status !== 'ACTIVE') {
    return { ok: false, reason: `the CA ${ca.certificateId} that signed certificate ${certificateId} is ${ca.status}` };
  }
  return { ok: true, session: deviceSession(socket, peer, certificateId, record.certificateArn) };
}

function deviceSession(
  socket: TLSSocket,
  peer: X509Certificate,
  certificateId: string,
  certificateArn: string,
): DeviceSession {
  return {
    kind: 'device',
    certificateId,
    certificateArn,
    certificate: readCertificate(peer, certificateId).context,
    sessionIdentifier: randomUUID(),
    sourceIp: socket.remoteAddress,
  };
}

/**
 * What a connection's certificate says that authentication and policies read (validity, names,
 * serial), by certificate id: a certificate never changes, and a device reconnecting presents the
 * same one again, so it is read once (bounded: the memory starts over past {@link MAX_READ}).
 */
interface ReadCertificate {
  notBefore: number;
  notAfter: number;
  context: DeviceSession['certificate'];
}
const read = new Map<string, ReadCertificate>();
const MAX_READ = 10_000;

function readCertificate(peer: X509Certificate, certificateId: string): ReadCertificate {
  let known = read.get(certificateId);
  if (!known) {
    known = {
      notBefore: Date.parse(peer.validFrom),
      notAfter: Date.parse(peer.validTo),
      // Shared by every session of this certificate: read-only.
      context: Object.freeze(certificateContext(peer, certificateId)),
    };
    if (read.size >= MAX_READ) read.clear();
    read.set(certificateId, known);
  }
  return known;
}

/** The registered CA whose subject is the certificate's issuer and whose key signed it. */
function registeredIssuer(ctx: EmulatorContext, cert: X509Certificate): CaCertificateRecord | undefined {
  for (const ca of ctx.store.c.caCertificates.values()) {
    const x = caX509(ca);
    if (x.subject === cert.issuer && isSignedBy(cert, x)) return ca;
  }
  return undefined;
}
