import type { EmulatorContext } from '../context';
import { AwsError } from '../errors';
import {
  isSignedBy,
  type ParsedCertificate,
  parseCertificatePem,
  PkiInputError,
  validityProblem,
} from '../pki/certificates';
import { certificateParameters, evaluateProvisioningTemplate, TemplateError } from '../provisioning/template';
import type { CaCertificateRecord, CertificateRecord } from '../store/records';
import { caX509, registerSignedBy } from './certificates';
import { applyProvisioningPlan, type PlanTarget } from './provision';
import { defaultTemplateBody } from './provisioning-templates';

/**
 * Just-in-time registration (JITR) and provisioning (JITP): what AWS IoT does when a device presents a
 * certificate it does not know, signed by a registered CA with auto-registration enabled. The broker
 * calls `onUnregisteredCertificate` during the TLS/CONNECT handshake.
 *
 * Choices where AWS's documentation is silent or vague (each observable in the tests):
 * - The registered event goes to `$aws/events/certificates/registered/{caCertificateId}` with
 *   `timestamp` in epoch milliseconds (a number) and `certificateRegistrationTimestamp` as a string of
 *   epoch milliseconds, as payloads captured from AWS show.
 * - A device that connects again while its certificate is still PENDING_ACTIVATION is refused again and
 *   the event is published again (same certificateRegistrationTimestamp, new timestamp); nothing is
 *   registered twice.
 * - JITP publishes the registered event too (the certificate is auto-registered either way), with
 *   certificateStatus the status the template gave it (ACTIVE normally).
 * - A JITP template that fails leaves the certificate registered as PENDING_ACTIVATION and nothing else
 *   (no thing, policy or attachment): the device is refused, the reason is logged, and the event carries
 *   PENDING_ACTIVATION. The template runs again on the device's next connection, so fixing the CA's
 *   template (UpdateCACertificate) and reconnecting provisions the device.
 * - A template's Certificate resource without Status, or no Certificate resource at all, activates the
 *   certificate; a Status other than ACTIVE is applied and the device is refused.
 * - The template is the CA's registrationConfig.templateBody, or else the default version of the enabled JITP
 *   provisioning template its registrationConfig.templateName names (a missing, disabled or fleet provisioning
 *   template refuses the device, and the log says which).
 */

export type JitOutcome = { kind: 'refused'; reason: string } | { kind: 'provisioned'; certificate: CertificateRecord };

export const registeredEventTopic = (caCertificateId: string) =>
  `$aws/events/certificates/registered/${caCertificateId}`;

export interface CertificateRegisteredEvent {
  certificateId: string;
  caCertificateId: string;
  /** Epoch milliseconds. */
  timestamp: number;
  certificateStatus: string;
  awsAccountId: string;
  /** Epoch milliseconds as a string (AWS's type for this field). */
  certificateRegistrationTimestamp: string;
}

/** A device presented a certificate the registry doesn't know, signed by `ca` (a registered CA). */
export async function onUnregisteredCertificate(
  ctx: EmulatorContext,
  leafPem: string,
  ca: CaCertificateRecord,
): Promise<JitOutcome> {
  // The CA may have changed since the caller read it.
  const current = ctx.store.c.caCertificates.get(ca.certificateId);
  if (!current) return refuse(ctx, `CA certificate ${ca.certificateId} is not registered.`);
  if (current.status !== 'ACTIVE') {
    return refuse(
      ctx,
      `CA certificate ${current.certificateId} is ${current.status}; only an ACTIVE CA auto-registers certificates.`,
    );
  }
  if (current.autoRegistrationStatus !== 'ENABLE') {
    return refuse(ctx, `CA certificate ${current.certificateId} does not have auto-registration enabled.`);
  }

  let leaf: ParsedCertificate;
  try {
    leaf = parseCertificatePem(leafPem, 'device certificate');
  } catch (e) {
    if (e instanceof PkiInputError) return refuse(ctx, e.message);
    throw e;
  }
  const caCert = caX509(current);
  if (leaf.x509.issuer !== caCert.subject || !isSignedBy(leaf.x509, caCert)) {
    return refuse(ctx, `Certificate ${leaf.certificateId} is not signed by CA certificate ${current.certificateId}.`);
  }
  const problem = validityProblem(leaf, ctx.now());
  if (problem) return refuse(ctx, `Certificate ${leaf.certificateId} ${problem}.`);

  const templateName = current.registrationConfig?.templateName;
  let templateBody = current.registrationConfig?.templateBody;
  if (!templateBody && templateName) {
    // registrationConfig.templateName names a JITP provisioning template (CreateProvisioningTemplate --type JITP).
    const named = ctx.store.c.provisioningTemplates.get(templateName);
    if (named?.type !== 'JITP' || !named.enabled) {
      return refuse(
        ctx,
        `CA certificate ${current.certificateId} names provisioning template ${templateName}, which is ${named ? (named.type !== 'JITP' ? `a ${named.type} template` : 'disabled') : 'missing'}.`,
      );
    }
    templateBody = defaultTemplateBody(named);
  }
  const existing = ctx.store.c.certificates.get(leaf.certificateId);
  if (existing) {
    // Another connection got here first, or an earlier attempt left the certificate pending.
    if (existing.status === 'ACTIVE') return { kind: 'provisioned', certificate: existing };
    if (existing.status !== 'PENDING_ACTIVATION') {
      return refuse(ctx, `Certificate ${existing.certificateId} is ${existing.status}.`);
    }
    if (!templateBody) return refusePending(ctx, existing, 'is pending activation (just-in-time registration)');
  }

  if (!templateBody) {
    // JITR: register as PENDING_ACTIVATION, tell whoever listens, refuse this connection.
    const cert = registerSignedBy(ctx, leaf, current, 'PENDING_ACTIVATION');
    return refusePending(ctx, cert, 'was registered as PENDING_ACTIVATION (just-in-time registration)');
  }
  return provision(ctx, leaf, current, templateBody, existing);
}

function refuse(ctx: EmulatorContext, reason: string): JitOutcome {
  ctx.config.log(`jit: refused: ${reason}`);
  return { kind: 'refused', reason };
}

async function refusePending(ctx: EmulatorContext, cert: CertificateRecord, what: string): Promise<JitOutcome> {
  await publishRegistered(ctx, cert);
  return refuse(ctx, `Certificate ${cert.certificateId} ${what}; activate it to let the device connect.`);
}

async function publishRegistered(ctx: EmulatorContext, cert: CertificateRecord): Promise<void> {
  const event: CertificateRegisteredEvent = {
    certificateId: cert.certificateId,
    caCertificateId: cert.caCertificateId ?? '',
    timestamp: ctx.now(),
    certificateStatus: cert.status,
    awsAccountId: ctx.config.accountId,
    certificateRegistrationTimestamp: String(cert.creationDate),
  };
  try {
    await ctx.bus.publish(registeredEventTopic(event.caCertificateId), JSON.stringify(event), { qos: 1 });
  } catch (e) {
    ctx.config.log(`jit: could not publish the registered event for ${cert.certificateId}: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// JITP

async function provision(
  ctx: EmulatorContext,
  leaf: ParsedCertificate,
  ca: CaCertificateRecord,
  templateBody: string,
  existing: CertificateRecord | undefined,
): Promise<JitOutcome> {
  let cert: CertificateRecord;
  try {
    const plan = evaluateProvisioningTemplate(templateBody, certificateParameters(leaf.pem, leaf.certificateId));
    // Everything checked in one transaction: the certificate, thing, policies and attachments appear together.
    const target: PlanTarget = existing ? { kind: 'existing', certificate: existing } : { kind: 'register', leaf, ca };
    cert = ctx.store.commit((tx) => applyProvisioningPlan(ctx, tx, plan, target));
  } catch (e) {
    if (!(e instanceof TemplateError || e instanceof AwsError)) throw e;
    // AWS leaves the certificate registered but not active when provisioning fails.
    ctx.config.log(
      `jit: provisioning template of CA ${ca.certificateId} failed for certificate ${leaf.certificateId}: ${e.message}`,
    );
    const pending = existing ?? registerSignedBy(ctx, leaf, ca, 'PENDING_ACTIVATION');
    await publishRegistered(ctx, pending);
    return { kind: 'refused', reason: `Just-in-time provisioning failed: ${e.message}` };
  }
  await publishRegistered(ctx, cert);
  if (cert.status !== 'ACTIVE') {
    return refuse(ctx, `The provisioning template set certificate ${cert.certificateId} to ${cert.status}.`);
  }
  ctx.config.log(`jit: provisioned certificate ${cert.certificateId} from CA ${ca.certificateId}`);
  return { kind: 'provisioned', certificate: cert };
}
