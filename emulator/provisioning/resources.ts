import { createHash } from 'node:crypto';
import {
  attributeName,
  attributeValue,
  policyName as policyNameSchema,
  thingGroupName as thingGroupNameSchema,
  thingName as thingNameSchema,
  thingTypeName as thingTypeNameSchema,
} from '../../lib/validation/iot-names';
import { describePolicyProblems, parsePolicyDocument } from '../../lib/validation/policy-document';
import {
  isObject,
  type Json,
  type JsonObject,
  type PlannedCertificate,
  type PlannedPolicy,
  type PlannedThing,
  show,
  TemplateError,
  type TemplateResource,
} from '../../lib/provisioning/template/model';

/** Each resource type's evaluated Properties checked and turned into the plan's thing, certificate or policy. */

function oneOf<T extends string>(v: Json | undefined, allowed: readonly T[], at: string): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new TemplateError(`${at} must be one of ${allowed.join(', ')}, not ${show(v)}.`);
}

function checkName(schema: typeof thingNameSchema, v: Json | undefined, at: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new TemplateError(`${at} must be a string, not ${show(v)}.`);
  const r = schema.safeParse(v);
  if (!r.success) throw new TemplateError(`${at} ${show(v)} is not valid: ${r.error.issues[0]?.message}.`);
  return v;
}

function unknownProperties(props: JsonObject, allowed: string[], at: string) {
  for (const key of Object.keys(props)) {
    if (!allowed.includes(key))
      throw new TemplateError(`${at}: unknown property ${key} (expected ${allowed.join(', ')}).`);
  }
}

export function planThing(res: TemplateResource, props: JsonObject, override: JsonObject): PlannedThing {
  const at = `Resources.${res.logicalId}.Properties`;
  unknownProperties(
    props,
    ['ThingName', 'AttributePayload', 'ThingTypeName', 'ThingGroups', 'BillingGroup', 'PackageVersions'],
    at,
  );
  const thingName = checkName(thingNameSchema, props.ThingName, `${at}.ThingName`);
  if (thingName === undefined) throw new TemplateError(`${at}.ThingName is required.`);
  const thing: PlannedThing = { logicalId: res.logicalId, thingName, overrideSettings: {} };
  if (props.AttributePayload !== undefined) {
    if (!isObject(props.AttributePayload))
      throw new TemplateError(`${at}.AttributePayload must be an object of attributes.`);
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(props.AttributePayload)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        throw new TemplateError(`${at}.AttributePayload.${k} must be a string, not ${show(v)}.`);
      }
      const name = attributeName.safeParse(k);
      if (!name.success) throw new TemplateError(`${at}.AttributePayload: attribute name ${show(k)} is not valid.`);
      const value = attributeValue.safeParse(String(v));
      if (!value.success) {
        throw new TemplateError(
          `${at}.AttributePayload.${k}: value ${show(String(v))} is not valid: ${value.error.issues[0]?.message}.`,
        );
      }
      attributes[k] = String(v);
    }
    thing.attributes = attributes;
  }
  thing.thingTypeName = checkName(thingTypeNameSchema, props.ThingTypeName, `${at}.ThingTypeName`);
  if (props.ThingGroups !== undefined) {
    if (!Array.isArray(props.ThingGroups))
      throw new TemplateError(`${at}.ThingGroups must be a list of thing group names.`);
    thing.thingGroups = props.ThingGroups.map((g, i) => checkName(thingGroupNameSchema, g, `${at}.ThingGroups[${i}]`)!);
  }
  if (props.BillingGroup !== undefined)
    thing.billingGroup = checkName(thingGroupNameSchema, props.BillingGroup, `${at}.BillingGroup`);
  const oat = `Resources.${res.logicalId}.OverrideSettings`;
  unknownProperties(override, ['AttributePayload', 'ThingTypeName', 'ThingGroups'], oat);
  thing.overrideSettings = {
    attributePayload: oneOf(
      override.AttributePayload,
      ['MERGE', 'REPLACE', 'FAIL'] as const,
      `${oat}.AttributePayload`,
    ),
    thingTypeName: oneOf(override.ThingTypeName, ['REPLACE', 'FAIL'] as const, `${oat}.ThingTypeName`),
    thingGroups: oneOf(override.ThingGroups, ['DO_NOTHING', 'REPLACE'] as const, `${oat}.ThingGroups`),
  };
  return thing;
}

export function planCertificate(res: TemplateResource, props: JsonObject): PlannedCertificate {
  const at = `Resources.${res.logicalId}.Properties`;
  unknownProperties(
    props,
    ['CertificateId', 'CertificatePem', 'CACertificatePem', 'CertificateSigningRequest', 'Status'],
    at,
  );
  if (props.CertificateSigningRequest !== undefined) {
    throw new TemplateError(
      `${at}.CertificateSigningRequest is for bulk registration; a JITP device already has its certificate.`,
    );
  }
  const cert: PlannedCertificate = { logicalId: res.logicalId };
  if (props.CertificateId !== undefined) {
    if (typeof props.CertificateId !== 'string' || !/^[0-9a-fA-F]{64}$/.test(props.CertificateId)) {
      throw new TemplateError(
        `${at}.CertificateId must be a certificate id (64 hex digits), not ${show(props.CertificateId)}.`,
      );
    }
    cert.certificateId = props.CertificateId.toLowerCase();
  }
  if (props.CertificatePem !== undefined) {
    if (typeof props.CertificatePem !== 'string') throw new TemplateError(`${at}.CertificatePem must be a PEM string.`);
    cert.certificatePem = props.CertificatePem;
  }
  if (cert.certificateId === undefined && cert.certificatePem === undefined) {
    throw new TemplateError(
      `${at} needs CertificateId (usually {"Ref": "AWS::IoT::Certificate::Id"}) or CertificatePem.`,
    );
  }
  // The developer guide's own fleet provisioning examples write "Status": "Active": the case is not significant.
  const status = typeof props.Status === 'string' ? props.Status.toUpperCase() : props.Status;
  cert.status = oneOf(status, ['ACTIVE', 'INACTIVE', 'REVOKED'] as const, `${at}.Status`);
  return cert;
}

/** AWS names an inline policy without PolicyName by a hash of its document. */
export const generatedPolicyName = (document: string) => createHash('sha256').update(document).digest('hex');

export function planPolicy(res: TemplateResource, props: JsonObject): PlannedPolicy {
  const at = `Resources.${res.logicalId}.Properties`;
  unknownProperties(props, ['PolicyName', 'PolicyDocument'], at);
  const name = checkName(policyNameSchema, props.PolicyName, `${at}.PolicyName`);
  let document: string | undefined;
  if (props.PolicyDocument !== undefined) {
    // AWS takes the document as an escaped JSON string; an object is accepted and serialised.
    if (typeof props.PolicyDocument === 'string') document = props.PolicyDocument;
    else if (isObject(props.PolicyDocument)) document = JSON.stringify(props.PolicyDocument);
    else throw new TemplateError(`${at}.PolicyDocument must be a JSON document in a string.`);
    const result = parsePolicyDocument(document);
    if (!result.ok)
      throw new TemplateError(`${at}.PolicyDocument is malformed: ${describePolicyProblems(result.errors)}`);
  }
  if (name === undefined && document === undefined) {
    throw new TemplateError(`${at} needs PolicyName (an existing policy) or PolicyDocument (an inline policy).`);
  }
  return {
    logicalId: res.logicalId,
    policyName: name ?? generatedPolicyName(document!),
    policyDocument: document,
    generatedName: name === undefined,
  };
}
