import { randomBytes, randomUUID } from 'node:crypto';
import { MAX_ATTRIBUTES_WITH_TYPE, MAX_ATTRIBUTES_WITHOUT_TYPE } from '../../lib/validation/iot-names';
import { arns } from '../config';
import type { EmulatorContext } from '../context';
import { MAX_POLICIES_PER_TARGET } from '../http/routes/policies';
import {
  isSignedBy,
  parseCertificatePem,
  PkiInputError,
  validityProblem,
  type ParsedCertificate,
} from '../pki/certificates';
import {
  certificateParameters,
  evaluateProvisioningTemplate,
  TemplateError,
  type PlannedPolicy,
  type PlannedThing,
  type ProvisioningPlan,
} from '../provisioning/template';
import type { Transaction } from '../store/store';
import {
  pairKey,
  type CaCertificateRecord,
  type CertificateRecord,
  type PolicyRecord,
  type ThingRecord,
} from '../store/records';
import { caX509, newCertificateRecord, touched } from './certificates';

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

  const templateBody = current.registrationConfig?.templateBody;
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
    const cert = register(ctx, leaf, current, 'PENDING_ACTIVATION');
    ctx.store.commit((tx) => tx.put('certificates', cert.certificateId, cert));
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

function register(
  ctx: EmulatorContext,
  leaf: ParsedCertificate,
  ca: CaCertificateRecord,
  status: CertificateRecord['status'],
): CertificateRecord {
  return newCertificateRecord(ctx, {
    certificateId: leaf.certificateId,
    pem: leaf.pem,
    status,
    mode: ca.certificateMode,
    caCertificateId: ca.certificateId,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
  });
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
  let tx: Transaction;
  let cert: CertificateRecord;
  try {
    const plan = evaluateProvisioningTemplate(templateBody, certificateParameters(leaf.pem, leaf.certificateId));
    ({ tx, cert } = applyPlan(ctx, plan, leaf, ca, existing));
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    // AWS leaves the certificate registered but not active when provisioning fails.
    ctx.config.log(
      `jit: provisioning template of CA ${ca.certificateId} failed for certificate ${leaf.certificateId}: ${e.message}`,
    );
    const pending = existing ?? register(ctx, leaf, ca, 'PENDING_ACTIVATION');
    if (!existing) ctx.store.commit((t) => t.put('certificates', pending.certificateId, pending));
    await publishRegistered(ctx, pending);
    return { kind: 'refused', reason: `Just-in-time provisioning failed: ${e.message}` };
  }
  // Everything checked: the certificate, thing, policies and attachments appear together.
  ctx.store.commit(tx);
  await publishRegistered(ctx, cert);
  if (cert.status !== 'ACTIVE') {
    return refuse(ctx, `The provisioning template set certificate ${cert.certificateId} to ${cert.status}.`);
  }
  ctx.config.log(`jit: provisioned certificate ${cert.certificateId} from CA ${ca.certificateId}`);
  return { kind: 'provisioned', certificate: cert };
}

const fail = (message: string): never => {
  throw new TemplateError(message);
};

/** Checks a plan against the registry and builds the one transaction that carries it out. */
function applyPlan(
  ctx: EmulatorContext,
  plan: ProvisioningPlan,
  leaf: ParsedCertificate,
  ca: CaCertificateRecord,
  existing: CertificateRecord | undefined,
): { tx: Transaction; cert: CertificateRecord } {
  const c = plan.certificate;
  if (c?.certificateId !== undefined && c.certificateId !== leaf.certificateId) {
    fail(`The Certificate resource names certificate ${c.certificateId}, not the device's ${leaf.certificateId}.`);
  }
  if (c?.certificatePem !== undefined) {
    let given: ParsedCertificate | undefined;
    try {
      given = parseCertificatePem(c.certificatePem, 'CertificatePem');
    } catch (e) {
      if (e instanceof PkiInputError) fail(`The Certificate resource's ${e.message}`);
      throw e;
    }
    if (given!.certificateId !== leaf.certificateId)
      fail("The Certificate resource's CertificatePem is not the device's certificate.");
  }
  const status = c?.status ?? 'ACTIVE';
  const cert = existing ? touched(ctx, existing, { status }) : register(ctx, leaf, ca, status);

  const tx = ctx.store.transaction();
  tx.put('certificates', cert.certificateId, cert);
  const principal = cert.certificateArn;

  if (plan.thing) planThingWrites(ctx, tx, plan.thing, principal);

  const attached = new Set(ctx.store.c.policyAttachments.findBy('target', principal).map((a) => a.policyName));
  for (const p of plan.policies) {
    planPolicyWrites(ctx, tx, p);
    if (attached.has(p.policyName)) continue;
    attached.add(p.policyName);
    if (attached.size > MAX_POLICIES_PER_TARGET) {
      fail(`The template attaches more than ${MAX_POLICIES_PER_TARGET} policies to the certificate.`);
    }
    tx.put('policyAttachments', pairKey(p.policyName, principal), {
      policyName: p.policyName,
      target: principal,
      attachedAt: ctx.now(),
    });
  }
  return { tx, cert };
}

function planThingWrites(ctx: EmulatorContext, tx: Transaction, t: PlannedThing, principal: string) {
  const name = t.thingName;
  const old = ctx.store.c.things.get(name);
  const o = t.overrideSettings;
  let thing: ThingRecord;
  if (!old) {
    thing = {
      thingName: name,
      thingId: randomUUID(),
      thingArn: arns(ctx.config).thing(name),
      thingTypeName: t.thingTypeName,
      billingGroupName: t.billingGroup,
      attributes: t.attributes ?? {},
      version: 1,
      createdAt: ctx.now(),
    };
  } else {
    // An existing thing is reused; OverrideSettings say which of its settings the template may change.
    thing = { ...old };
    if (t.attributes && o.attributePayload) {
      const same =
        JSON.stringify(Object.entries(old.attributes).sort()) === JSON.stringify(Object.entries(t.attributes).sort());
      if (o.attributePayload === 'FAIL' && !same)
        fail(`Thing ${name} exists with different attributes (OverrideSettings.AttributePayload is FAIL).`);
      if (o.attributePayload === 'MERGE') thing.attributes = { ...old.attributes, ...t.attributes };
      if (o.attributePayload === 'REPLACE') thing.attributes = { ...t.attributes };
    }
    if (t.thingTypeName !== undefined && o.thingTypeName && t.thingTypeName !== old.thingTypeName) {
      if (o.thingTypeName === 'FAIL')
        fail(`Thing ${name} exists with another thing type (OverrideSettings.ThingTypeName is FAIL).`);
      thing.thingTypeName = t.thingTypeName;
    }
    const changed = JSON.stringify(thing) !== JSON.stringify(old);
    if (changed) thing.version = old.version + 1;
  }
  if (thing.thingTypeName !== undefined && thing.thingTypeName !== old?.thingTypeName) {
    const type = ctx.store.c.thingTypes.get(thing.thingTypeName);
    if (!type) fail(`Thing type ${thing.thingTypeName} does not exist.`);
    if (type!.deprecated) fail(`Thing type ${thing.thingTypeName} is deprecated.`);
  }
  const max = thing.thingTypeName ? MAX_ATTRIBUTES_WITH_TYPE : MAX_ATTRIBUTES_WITHOUT_TYPE;
  if (Object.keys(thing.attributes).length > max) {
    fail(
      `Thing ${name} would have ${Object.keys(thing.attributes).length} attributes; at most ${max} are allowed ${thing.thingTypeName ? 'with' : 'without'} a thing type.`,
    );
  }
  if (!old || JSON.stringify(thing) !== JSON.stringify(old)) tx.put('things', name, thing);

  // Groups: a new thing joins them; an existing one only with OverrideSettings.ThingGroups REPLACE.
  if (t.thingGroups && (!old || o.thingGroups === 'REPLACE')) {
    for (const g of t.thingGroups) if (!ctx.store.c.thingGroups.has(g)) fail(`Thing group ${g} does not exist.`);
    const current = ctx.store.c.thingGroupMembers.findBy('thing', name);
    for (const m of current) {
      if (!t.thingGroups.includes(m.thingGroupName)) tx.delete('thingGroupMembers', pairKey(m.thingGroupName, name));
    }
    for (const g of t.thingGroups)
      tx.put('thingGroupMembers', pairKey(g, name), { thingGroupName: g, thingName: name });
  }

  const link = pairKey(name, principal);
  if (!ctx.store.c.thingPrincipals.has(link)) {
    tx.put('thingPrincipals', link, { thingName: name, principal, type: 'NON_EXCLUSIVE_THING', attachedAt: ctx.now() });
  }
}

function planPolicyWrites(ctx: EmulatorContext, tx: Transaction, p: PlannedPolicy) {
  const old = ctx.store.c.policies.get(p.policyName);
  if (p.policyDocument === undefined) {
    if (!old) fail(`Policy ${p.policyName} does not exist; create it or give the template a PolicyDocument.`);
    return;
  }
  if (old) {
    const doc = old.versions.find((v) => v.versionId === old.defaultVersionId)?.document;
    if (doc !== p.policyDocument) {
      fail(`Policy ${p.policyName} already exists with a different document.`);
    }
    return;
  }
  const now = ctx.now();
  const policy: PolicyRecord = {
    policyName: p.policyName,
    policyArn: arns(ctx.config).policy(p.policyName),
    defaultVersionId: '1',
    versions: [{ versionId: '1', document: p.policyDocument, createDate: now }],
    nextVersionId: 2,
    creationDate: now,
    lastModifiedDate: now,
    generationId: randomBytes(32).toString('hex'),
  };
  tx.put('policies', p.policyName, policy);
}
