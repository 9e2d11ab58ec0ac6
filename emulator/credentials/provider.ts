import { randomBytes, X509Certificate } from 'node:crypto';
import { authContext, certificateContext, type DeviceSession, effectivePolicies } from '../broker/authorization';
import { arns } from '../config';
import type { EmulatorContext } from '../context';
import { certificateIdOf, validityProblem } from '../pki/certificates';
import { evaluate } from '../policy/evaluator';
import { pairKey } from '../store/records';

/**
 * The AWS IoT credentials provider's decision for `GET /role-aliases/{alias}/credentials`, in the order AWS
 * checks (observed against the real service, awslabs/aws-iot-core-credential-provider-session-helper's notes):
 *  1. the client certificate must be registered and ACTIVE (its CA, if any, ACTIVE too): 403;
 *  2. with an `x-amzn-iot-thingname` header, that thing must be attached to the certificate: 403
 *     "Invalid thing name passed";
 *  3. the certificate's policies (and, with a thing name, its thing groups' policies, as on MQTT) must allow
 *     `iot:AssumeRoleWithCertificate` on the role alias's ARN: 403 "Access Denied"; this is checked before
 *     the alias is looked up, so a missing alias without permission is still 403;
 *  4. the role alias must exist: 404 "Role alias does not exist";
 * then 200 with `{"credentials": {accessKeyId, secretAccessKey, sessionToken, expiration}}`, valid for the
 * alias's credentialDurationSeconds. There is no IAM or STS here: the credentials are throwaway strings in AWS's
 * shape (ASIA... key id), good for a device's code path, accepted by nothing.
 */

export interface CredentialsRequest {
  /** DER of the client certificate the TLS handshake presented. */
  certificateDer: Buffer | undefined;
  roleAlias: string;
  thingName: string | undefined;
}

export interface CredentialsAnswer {
  status: number;
  /** x-amzn-ErrorType of a refusal. */
  errorType?: string;
  body: unknown;
}

const refused = (status: number, errorType: string, message: string): CredentialsAnswer => ({
  status,
  errorType,
  body: { message },
});

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Credentials shaped like STS's: an ASIA access key id, a 40-character secret, a long session token. */
function throwawayCredentials(durationSeconds: number, now: number) {
  const id = [...randomBytes(16)].map((b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('');
  return {
    accessKeyId: `ASIA${id}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: randomBytes(300).toString('base64'),
    // AWS writes whole seconds: 2023-02-06T05:54:46Z.
    expiration: new Date(Math.floor(now / 1000) * 1000 + durationSeconds * 1000).toISOString().replace('.000Z', 'Z'),
  };
}

export function answerCredentialsRequest(ctx: EmulatorContext, req: CredentialsRequest): CredentialsAnswer {
  const invalidCertificate = () => refused(403, 'AccessDeniedException', 'Certificate is invalid on this endpoint');
  if (!req.certificateDer) return invalidCertificate();
  const certificateId = certificateIdOf(req.certificateDer);
  const record = ctx.store.c.certificates.get(certificateId);
  if (record?.status !== 'ACTIVE') return invalidCertificate();
  const x509 = new X509Certificate(req.certificateDer);
  if (validityProblem({ notBefore: Date.parse(x509.validFrom), notAfter: Date.parse(x509.validTo) }, ctx.now())) {
    return invalidCertificate();
  }
  const ca = record.caCertificateId ? ctx.store.c.caCertificates.get(record.caCertificateId) : undefined;
  if (ca && ca.status !== 'ACTIVE') return invalidCertificate();

  const thingName = req.thingName;
  if (thingName !== undefined && !ctx.store.c.thingPrincipals.has(pairKey(thingName, record.certificateArn))) {
    return refused(403, 'AccessDeniedException', 'Invalid thing name passed');
  }

  const session: DeviceSession = {
    kind: 'device',
    certificateId,
    certificateArn: record.certificateArn,
    certificate: certificateContext(x509, certificateId),
    // With a thing name the thing's variables resolve and its groups' policies apply, as for an MQTT client
    // whose client id is that thing.
    clientId: thingName,
    sessionIdentifier: 'credentials-provider',
  };
  const decision = evaluate(effectivePolicies(ctx, session), authContext(ctx, session), {
    action: 'iot:AssumeRoleWithCertificate',
    resource: arns(ctx.config).roleAlias(req.roleAlias),
  });
  if (!decision.allowed) return refused(403, 'AccessDeniedException', 'Access Denied');

  const alias = ctx.store.c.roleAliases.get(req.roleAlias);
  if (!alias) return refused(404, 'ResourceNotFoundException', 'Role alias does not exist');
  return { status: 200, body: { credentials: throwawayCredentials(alias.credentialDurationSeconds, ctx.now()) } };
}
