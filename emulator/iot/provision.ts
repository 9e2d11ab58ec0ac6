import type { EmulatorContext } from '../context';
import { type ParsedCertificate, parseCertificatePem, PkiInputError } from '../pki/certificates';
import { type PlannedPolicy, type PlannedThing, type ProvisioningPlan, TemplateError } from '../provisioning/template';
import { type CaCertificateRecord, type CertificateRecord, pairKey } from '../store/records';
import { registerSignedBy, updateCertificateStatus } from './certificates';
import { createPolicy, defaultVersion } from './policies';
import { attachPolicy } from './policy-attachments';
import { attachThingPrincipal } from './principals';
import { addThingToThingGroup, removeThingFromThingGroup } from './thing-groups';
import { createThing, sameAttributes, updateThing } from './things';
import type { Transaction } from './transaction';

/**
 * A provisioning template's second half (JITP, and fleet provisioning's RegisterThing): an evaluated template
 * (emulator/provisioning) carried out in the caller's transaction through the registry's own operations, so a
 * device provisioned by a template obeys the same
 * rules and limits as one onboarded through the API (thing types, attribute counts, group existence, ten
 * policies per certificate, valid policy documents). What only a template can get wrong (a resource naming
 * another certificate, an OverrideSettings FAIL) is a TemplateError; a registry rule that refuses is its
 * AwsError. Either way the caller's transaction is dropped: nothing of the plan is left behind.
 */
export function applyProvisioningPlan(
  ctx: EmulatorContext,
  tx: Transaction,
  plan: ProvisioningPlan,
  target: PlanTarget,
): CertificateRecord {
  const certificateId = target.kind === 'existing' ? target.certificate.certificateId : target.leaf.certificateId;
  checkCertificateResource(plan, certificateId);
  const status = plan.certificate?.status ?? 'ACTIVE';
  const cert =
    target.kind === 'existing'
      ? updateCertificateStatus(ctx, certificateId, status, tx)
      : registerSignedBy(ctx, target.leaf, target.ca, status, tx);
  if (plan.thing) provisionThing(ctx, tx, plan.thing, cert.certificateArn);
  for (const policy of plan.policies) provisionPolicy(ctx, tx, policy, cert.certificateArn);
  return cert;
}

/**
 * The device's certificate the plan is for: one the registry already holds (fleet provisioning's, made over MQTT;
 * a JITP certificate an earlier attempt left pending), or one to register as signed by a registered CA (JITP).
 */
export type PlanTarget =
  | { kind: 'existing'; certificate: CertificateRecord }
  | { kind: 'register'; leaf: ParsedCertificate; ca: CaCertificateRecord };

const fail = (message: string): never => {
  throw new TemplateError(message);
};

/** The template's Certificate resource may only name the device's own certificate. */
function checkCertificateResource(plan: ProvisioningPlan, certificateId: string) {
  const c = plan.certificate;
  if (c?.certificateId !== undefined && c.certificateId !== certificateId) {
    fail(`The Certificate resource names certificate ${c.certificateId}, not the device's ${certificateId}.`);
  }
  if (c?.certificatePem === undefined) return;
  let given: ParsedCertificate | undefined;
  try {
    given = parseCertificatePem(c.certificatePem, 'CertificatePem');
  } catch (e) {
    if (e instanceof PkiInputError) fail(`The Certificate resource's ${e.message}`);
    throw e;
  }
  if (given!.certificateId !== certificateId) {
    fail("The Certificate resource's CertificatePem is not the device's certificate.");
  }
}

/**
 * A new thing is created as the template says; an existing one is reused, and its OverrideSettings say which
 * of its settings the template may change (absent: leave it). The certificate is attached to it.
 */
function provisionThing(ctx: EmulatorContext, tx: Transaction, t: PlannedThing, principal: string) {
  const name = t.thingName;
  const old = tx.c.things.get(name);
  if (!old) {
    createThing(
      ctx,
      { thingName: name, thingTypeName: t.thingTypeName, attributes: t.attributes, billingGroupName: t.billingGroup },
      tx,
    );
  } else {
    const o = t.overrideSettings;
    let attributes = old.attributes;
    if (t.attributes && o.attributePayload) {
      if (o.attributePayload === 'FAIL' && !sameAttributes(old.attributes, t.attributes)) {
        fail(`Thing ${name} exists with different attributes (OverrideSettings.AttributePayload is FAIL).`);
      }
      if (o.attributePayload === 'MERGE') attributes = { ...old.attributes, ...t.attributes };
      if (o.attributePayload === 'REPLACE') attributes = { ...t.attributes };
    }
    let thingTypeName = old.thingTypeName;
    if (t.thingTypeName !== undefined && o.thingTypeName && t.thingTypeName !== old.thingTypeName) {
      if (o.thingTypeName === 'FAIL') {
        fail(`Thing ${name} exists with another thing type (OverrideSettings.ThingTypeName is FAIL).`);
      }
      thingTypeName = t.thingTypeName;
    }
    // Only a real change is an update (and bumps the thing's version).
    if (thingTypeName !== old.thingTypeName || !sameAttributes(attributes, old.attributes)) {
      updateThing(ctx, name, { thingTypeName, attributePayload: { attributes, merge: false } }, tx);
    }
  }

  // Groups: a new thing joins them; an existing one only with OverrideSettings.ThingGroups REPLACE.
  if (t.thingGroups && (!old || t.overrideSettings.thingGroups === 'REPLACE')) {
    for (const m of tx.c.thingGroupMembers.findBy('thing', name)) {
      if (!t.thingGroups.includes(m.thingGroupName)) {
        removeThingFromThingGroup(ctx, { thingGroupName: m.thingGroupName, thingName: name }, tx);
      }
    }
    for (const g of t.thingGroups) addThingToThingGroup(ctx, { thingGroupName: g, thingName: name }, tx);
  }

  // An attachment already there (whatever its type) is kept as it is.
  if (!tx.c.thingPrincipals.has(pairKey(name, principal))) {
    attachThingPrincipal(ctx, name, principal, 'NON_EXCLUSIVE_THING', tx);
  }
}

/**
 * An inline policy (with a document) is created, or reused if one of that name has the same document; a named
 * one must exist. Either is attached to the certificate.
 */
function provisionPolicy(ctx: EmulatorContext, tx: Transaction, p: PlannedPolicy, principal: string) {
  const old = tx.c.policies.get(p.policyName);
  if (p.policyDocument === undefined) {
    if (!old) fail(`Policy ${p.policyName} does not exist; create it or give the template a PolicyDocument.`);
  } else if (old) {
    if (defaultVersion(old).document !== p.policyDocument) {
      fail(`Policy ${p.policyName} already exists with a different document.`);
    }
  } else {
    createPolicy(ctx, p.policyName, p.policyDocument, tx);
  }
  attachPolicy(ctx, p.policyName, principal, tx);
}
