import { createHash } from 'node:crypto';
import { x509 } from '../../lib/pki/x509';
import {
  attributeName,
  attributeValue,
  policyName as policyNameSchema,
  thingGroupName as thingGroupNameSchema,
  thingName as thingNameSchema,
  thingTypeName as thingTypeNameSchema,
} from '../../lib/validation/iot-names';
import { describePolicyProblems, parsePolicyDocument } from '../../lib/validation/policy-document';

/**
 * AWS IoT provisioning templates (the JITP / bulk-registration kind), parsed and evaluated without I/O:
 * the result is a plan of the thing, certificate and policies the template asks for, which
 * emulator/iot/jit.ts then checks against the registry and applies in one store commit.
 *
 * Supported, as the AWS IoT developer guide ("Provisioning templates") describes them:
 * - Parameters: `{ "Type": "String" | "Number", "Default"?: ... }`. A declared parameter with no value
 *   and no Default is an error (AWS: "the certificate must contain values for all of the parameters").
 * - Mappings and Conditions (Fn::Equals, Fn::And, Fn::Or, Fn::Not, `{"Condition": name}`), a resource's
 *   `Condition`, Fn::If and `{"Ref": "AWS::NoValue"}`.
 * - Intrinsic functions Ref, Fn::Join, Fn::Select, Fn::Split, Fn::Sub (with `${!Literal}` escapes) and
 *   Fn::FindInMap. Any other `Fn::` is an error naming it.
 * - Resources: AWS::IoT::Thing (ThingName, AttributePayload, ThingTypeName, ThingGroups, BillingGroup,
 *   OverrideSettings), AWS::IoT::Certificate (CertificateId or CertificatePem, Status) and
 *   AWS::IoT::Policy (PolicyName and/or PolicyDocument). At most one thing and one certificate.
 *
 * Policy variables: a PolicyDocument given as a plain string keeps `${iot:...}` as is (only Fn::Sub
 * substitutes `${...}`). Inside Fn::Sub, write `${!iot:Connection.Thing.ThingName}` for a literal
 * `${iot:Connection.Thing.ThingName}`, as in CloudFormation.
 */

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const THING = 'AWS::IoT::Thing';
export const CERTIFICATE = 'AWS::IoT::Certificate';
export const POLICY = 'AWS::IoT::Policy';
const RESOURCE_TYPES = [THING, CERTIFICATE, POLICY];

export interface TemplateParameter {
  type: 'String' | 'Number';
  default?: string;
}

export interface TemplateResource {
  logicalId: string;
  type: string;
  properties: JsonObject;
  overrideSettings?: JsonObject;
  condition?: string;
}

/** A template whose shape has been checked; values are still unevaluated. */
export interface ProvisioningTemplate {
  parameters: Record<string, TemplateParameter>;
  mappings: Record<string, Record<string, Record<string, Json>>>;
  conditions: Record<string, Json>;
  resources: TemplateResource[];
}

/** What to do when the thing already exists (AWS's OverrideSettings); absent means leave it as it is. */
export interface ThingOverrideSettings {
  attributePayload?: 'MERGE' | 'REPLACE' | 'FAIL';
  thingTypeName?: 'REPLACE' | 'FAIL';
  thingGroups?: 'DO_NOTHING' | 'REPLACE';
}

export interface PlannedThing {
  logicalId: string;
  thingName: string;
  attributes?: Record<string, string>;
  thingTypeName?: string;
  thingGroups?: string[];
  billingGroup?: string;
  overrideSettings: ThingOverrideSettings;
}

export type TemplateCertificateStatus = 'ACTIVE' | 'INACTIVE' | 'REVOKED';

export interface PlannedCertificate {
  logicalId: string;
  certificateId?: string;
  certificatePem?: string;
  status?: TemplateCertificateStatus;
}

export interface PlannedPolicy {
  logicalId: string;
  policyName: string;
  /** Present for an inline policy: create it (or reuse an identical one); absent: the policy must exist. */
  policyDocument?: string;
  /** True when the template gave no PolicyName and the name is the document's hash. */
  generatedName: boolean;
}

/** The evaluated template: what the registry should hold afterwards, in the template's order. */
export interface ProvisioningPlan {
  thing?: PlannedThing;
  certificate?: PlannedCertificate;
  policies: PlannedPolicy[];
}

// ---------------------------------------------------------------------------------------------
// Parsing

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

/** Checks a template's shape (sections, parameter declarations, resource types). */
export function parseProvisioningTemplate(body: string): ProvisioningTemplate {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    throw new TemplateError(`The provisioning template is not valid JSON (${(e as Error).message}).`);
  }
  if (!isObject(doc)) throw new TemplateError('The provisioning template must be a JSON object.');

  const parameters: Record<string, TemplateParameter> = {};
  const rawParams = doc.Parameters ?? {};
  if (!isObject(rawParams)) throw new TemplateError('Parameters must be an object.');
  for (const [name, decl] of Object.entries(rawParams)) {
    if (!isObject(decl)) throw new TemplateError(`Parameter ${name} must be an object such as {"Type": "String"}.`);
    const type = decl.Type ?? 'String';
    if (type !== 'String' && type !== 'Number') {
      throw new TemplateError(
        `Parameter ${name} has Type ${show(type)}; provisioning templates support String and Number.`,
      );
    }
    const param: TemplateParameter = { type };
    if (decl.Default !== undefined) {
      if (typeof decl.Default !== 'string' && typeof decl.Default !== 'number') {
        throw new TemplateError(`Parameter ${name} has a Default that is not a string: ${show(decl.Default)}.`);
      }
      param.default = String(decl.Default);
    }
    parameters[name] = param;
  }

  const mappings: ProvisioningTemplate['mappings'] = {};
  const rawMappings = doc.Mappings ?? {};
  if (!isObject(rawMappings)) throw new TemplateError('Mappings must be an object.');
  for (const [name, map] of Object.entries(rawMappings)) {
    if (!isObject(map) || !Object.values(map).every(isObject)) {
      throw new TemplateError(`Mapping ${name} must be an object of objects ({"key": {"name": value}}).`);
    }
    mappings[name] = map as Record<string, Record<string, Json>>;
  }

  const rawConditions = doc.Conditions ?? {};
  if (!isObject(rawConditions)) throw new TemplateError('Conditions must be an object.');

  const rawResources = doc.Resources;
  if (!isObject(rawResources) || Object.keys(rawResources).length === 0) {
    throw new TemplateError('The provisioning template has no Resources.');
  }
  const resources: TemplateResource[] = [];
  for (const [logicalId, res] of Object.entries(rawResources)) {
    if (!isObject(res)) throw new TemplateError(`Resource ${logicalId} must be an object with Type and Properties.`);
    if (typeof res.Type !== 'string' || !RESOURCE_TYPES.includes(res.Type)) {
      throw new TemplateError(
        `Resource ${logicalId} has unsupported Type ${show(res.Type)}; provisioning templates support ${RESOURCE_TYPES.join(', ')}.`,
      );
    }
    const properties = res.Properties ?? {};
    if (!isObject(properties)) throw new TemplateError(`Resource ${logicalId}: Properties must be an object.`);
    const resource: TemplateResource = { logicalId, type: res.Type, properties };
    if (res.OverrideSettings !== undefined) {
      if (!isObject(res.OverrideSettings))
        throw new TemplateError(`Resource ${logicalId}: OverrideSettings must be an object.`);
      resource.overrideSettings = res.OverrideSettings;
    }
    if (res.Condition !== undefined) {
      if (typeof res.Condition !== 'string' || !(res.Condition in rawConditions)) {
        throw new TemplateError(
          `Resource ${logicalId} names Condition ${show(res.Condition)}, which Conditions does not declare.`,
        );
      }
      resource.condition = res.Condition;
    }
    resources.push(resource);
  }
  for (const type of [THING, CERTIFICATE]) {
    const ids = resources.filter((r) => r.type === type).map((r) => r.logicalId);
    if (ids.length > 1)
      throw new TemplateError(`A provisioning template may declare one ${type}; found ${ids.join(', ')}.`);
  }
  return { parameters, mappings, conditions: rawConditions, resources };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Marks a value `{"Ref": "AWS::NoValue"}` removed. */
const NO_VALUE = Symbol('AWS::NoValue');
type Value = Json | typeof NO_VALUE;

const FUNCTIONS = new Set([
  'Ref',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::Sub',
  'Fn::FindInMap',
  'Fn::If',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
]);

class Evaluator {
  private readonly values: Record<string, string> = {};
  private readonly conditionValues = new Map<string, boolean>();
  private readonly evaluating = new Set<string>();

  constructor(
    private readonly template: ProvisioningTemplate,
    supplied: Record<string, string>,
  ) {
    for (const [name, decl] of Object.entries(template.parameters)) {
      const value = supplied[name] ?? decl.default;
      if (value === undefined) {
        throw new TemplateError(
          name.startsWith('AWS::IoT::Certificate::')
            ? `Parameter ${name} has no value: the device certificate has no such field and the parameter has no Default.`
            : `Parameter ${name} has no value and no Default.`,
        );
      }
      if (decl.type === 'Number' && !Number.isFinite(Number(value))) {
        throw new TemplateError(`Parameter ${name} is a Number but its value is ${show(value)}.`);
      }
      this.values[name] = value;
    }
    // Values the caller supplies (the certificate's fields) may be referenced without a declaration.
    for (const [name, value] of Object.entries(supplied)) if (!(name in this.values)) this.values[name] = value;
  }

  ref(name: unknown, at: string): Value {
    if (typeof name !== 'string') throw new TemplateError(`${at}: Ref takes a parameter name, not ${show(name)}.`);
    if (name === 'AWS::NoValue') return NO_VALUE;
    const value = this.values[name];
    if (value !== undefined) return value;
    if (this.template.resources.some((r) => r.logicalId === name)) {
      throw new TemplateError(`${at}: Ref to resource ${name} is not supported; Ref names a parameter.`);
    }
    throw new TemplateError(`${at}: Ref to undeclared parameter ${name}; declare it under Parameters.`);
  }

  condition(name: unknown, at: string): boolean {
    if (typeof name !== 'string' || !(name in this.template.conditions)) {
      throw new TemplateError(`${at}: condition ${show(name)} is not declared under Conditions.`);
    }
    const known = this.conditionValues.get(name);
    if (known !== undefined) return known;
    if (this.evaluating.has(name)) throw new TemplateError(`Condition ${name} refers to itself.`);
    this.evaluating.add(name);
    const result = this.boolean(this.template.conditions[name]!, `Conditions.${name}`);
    this.evaluating.delete(name);
    this.conditionValues.set(name, result);
    return result;
  }

  /** A condition expression: an Fn:: condition function or `{"Condition": name}`. */
  private boolean(expr: Json, at: string): boolean {
    if (isObject(expr) && Object.keys(expr).length === 1 && 'Condition' in expr)
      return this.condition(expr.Condition, at);
    const v = this.eval(expr, at);
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw new TemplateError(`${at}: expected a condition (true or false), got ${show(v)}.`);
  }

  private string(v: Value, at: string, what: string): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new TemplateError(`${at}: ${what} must be a string, not ${show(v === NO_VALUE ? 'AWS::NoValue' : v)}.`);
  }

  private args(raw: Json, n: number, fn: string, at: string): Json[] {
    if (!Array.isArray(raw) || raw.length !== n) {
      throw new TemplateError(`${at}: ${fn} takes a list of ${n} values, not ${show(raw)}.`);
    }
    return raw;
  }

  eval(value: Json, at: string): Value {
    if (Array.isArray(value)) {
      const out: Json[] = [];
      value.forEach((v, i) => {
        const r = this.eval(v, `${at}[${i}]`);
        if (r !== NO_VALUE) out.push(r);
      });
      return out;
    }
    if (!isObject(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'))) {
      return this.call(keys[0]!, value[keys[0]!]!, `${at}.${keys[0]}`);
    }
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' || k.startsWith('Fn::')) {
        throw new TemplateError(`${at}: ${k} must be the only key of its object.`);
      }
      const r = this.eval(v, `${at}.${k}`);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private call(fn: string, raw: Json, at: string): Value {
    if (!FUNCTIONS.has(fn)) {
      throw new TemplateError(
        `${at}: unsupported function ${fn}; provisioning templates support ${[...FUNCTIONS].join(', ')}.`,
      );
    }
    switch (fn) {
      case 'Ref':
        return this.ref(raw, at);
      case 'Fn::Join': {
        const [delim, list] = this.args(raw, 2, fn, at);
        if (typeof delim !== 'string') throw new TemplateError(`${at}: the delimiter must be a string.`);
        const items = this.eval(list!, `${at}[1]`);
        if (!Array.isArray(items)) throw new TemplateError(`${at}: the second value must be a list.`);
        return items.map((v, i) => this.string(v, `${at}[1][${i}]`, 'each joined value')).join(delim);
      }
      case 'Fn::Select': {
        const [rawIndex, list] = this.args(raw, 2, fn, at);
        const index = Number(this.string(this.eval(rawIndex!, `${at}[0]`), `${at}[0]`, 'the index'));
        const items = this.eval(list!, `${at}[1]`);
        if (!Array.isArray(items)) throw new TemplateError(`${at}: the second value must be a list.`);
        if (!Number.isInteger(index) || index < 0 || index >= items.length) {
          throw new TemplateError(`${at}: index ${show(rawIndex)} is outside the list of ${items.length}.`);
        }
        return items[index]!;
      }
      case 'Fn::Split': {
        const [delim, source] = this.args(raw, 2, fn, at);
        if (typeof delim !== 'string' || delim === '')
          throw new TemplateError(`${at}: the delimiter must be a non-empty string.`);
        return this.string(this.eval(source!, `${at}[1]`), `${at}[1]`, 'the value to split').split(delim);
      }
      case 'Fn::Sub':
        return this.sub(raw, at);
      case 'Fn::FindInMap': {
        const [m, k1, k2] = this.args(raw, 3, fn, at).map((v, i) =>
          this.string(this.eval(v, `${at}[${i}]`), `${at}[${i}]`, 'each key'),
        );
        const map = this.template.mappings[m!];
        if (!map) throw new TemplateError(`${at}: mapping ${m} is not declared under Mappings.`);
        const top = map[k1!];
        if (!top || !(k2! in top)) throw new TemplateError(`${at}: mapping ${m} has no value for ${k1}.${k2}.`);
        return this.eval(top[k2!]!, `Mappings.${m}.${k1}.${k2}`);
      }
      case 'Fn::If': {
        const [name, yes, no] = this.args(raw, 3, fn, at);
        return this.condition(name, at) ? this.eval(yes!, `${at}[1]`) : this.eval(no!, `${at}[2]`);
      }
      case 'Fn::Equals': {
        const [a, b] = this.args(raw, 2, fn, at);
        return JSON.stringify(this.eval(a!, `${at}[0]`)) === JSON.stringify(this.eval(b!, `${at}[1]`));
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(raw) || raw.length < 2 || raw.length > 10) {
          throw new TemplateError(`${at}: ${fn} takes a list of 2 to 10 conditions.`);
        }
        const results = raw.map((c, i) => this.boolean(c, `${at}[${i}]`));
        return fn === 'Fn::And' ? results.every(Boolean) : results.some(Boolean);
      }
      case 'Fn::Not': {
        const [c] = this.args(raw, 1, fn, at);
        return !this.boolean(c!, `${at}[0]`);
      }
    }
    throw new TemplateError(`${at}: unsupported function ${fn}.`);
  }

  private sub(raw: Json, at: string): string {
    let text: Json;
    const vars: Record<string, string> = {};
    if (typeof raw === 'string') text = raw;
    else if (Array.isArray(raw) && raw.length === 2 && typeof raw[0] === 'string' && isObject(raw[1])) {
      text = raw[0];
      for (const [k, v] of Object.entries(raw[1]))
        vars[k] = this.string(this.eval(v, `${at}[1].${k}`), `${at}[1].${k}`, k);
    } else {
      throw new TemplateError(`${at}: Fn::Sub takes a string or [string, {name: value}].`);
    }
    return text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      const value = vars[name] ?? this.values[name];
      if (value === undefined) {
        throw new TemplateError(
          `${at}: \${${name}} is not a parameter or Fn::Sub variable (write \${!${name}} for a literal, e.g. a policy variable).`,
        );
      }
      return value;
    });
  }
}

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

function planThing(res: TemplateResource, props: JsonObject, override: JsonObject): PlannedThing {
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

function planCertificate(res: TemplateResource, props: JsonObject): PlannedCertificate {
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
  cert.status = oneOf(props.Status, ['ACTIVE', 'INACTIVE', 'REVOKED'] as const, `${at}.Status`);
  return cert;
}

/** AWS names an inline policy without PolicyName by a hash of its document. */
export const generatedPolicyName = (document: string) => createHash('sha256').update(document).digest('hex');

function planPolicy(res: TemplateResource, props: JsonObject): PlannedPolicy {
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

/**
 * Evaluates a template with the given parameter values (for JITP, `certificateParameters`). Throws a
 * TemplateError naming the place in the template for anything it cannot evaluate.
 */
export function evaluateProvisioningTemplate(
  template: string | ProvisioningTemplate,
  parameters: Record<string, string>,
): ProvisioningPlan {
  const t = typeof template === 'string' ? parseProvisioningTemplate(template) : template;
  const ev = new Evaluator(t, parameters);
  const plan: ProvisioningPlan = { policies: [] };
  for (const res of t.resources) {
    if (res.condition !== undefined && !ev.condition(res.condition, `Resources.${res.logicalId}.Condition`)) continue;
    const props = ev.eval(res.properties, `Resources.${res.logicalId}.Properties`);
    const override = res.overrideSettings
      ? ev.eval(res.overrideSettings, `Resources.${res.logicalId}.OverrideSettings`)
      : {};
    if (!isObject(props) || !isObject(override)) {
      throw new TemplateError(`Resource ${res.logicalId}: Properties and OverrideSettings must evaluate to objects.`);
    }
    if (res.type === THING) plan.thing = planThing(res, props, override);
    else if (res.type === CERTIFICATE) plan.certificate = planCertificate(res, props);
    else plan.policies.push(planPolicy(res, props));
  }
  const names = plan.policies.map((p) => p.policyName);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new TemplateError(`Two policy resources name the same policy ${dup}.`);
  return plan;
}

// ---------------------------------------------------------------------------------------------
// JITP parameters

/** The subject fields JITP passes to a template, by parameter name suffix (AWS developer guide, JITP). */
const SUBJECT_FIELDS: Record<string, string> = {
  CommonName: '2.5.4.3',
  Country: '2.5.4.6',
  Organization: '2.5.4.10',
  OrganizationalUnit: '2.5.4.11',
  DistinguishedNameQualifier: '2.5.4.46',
  StateName: '2.5.4.8',
  // The subject's serialNumber attribute: JITP reads only the subject, not the certificate's serial.
  SerialNumber: '2.5.4.5',
};

/**
 * The parameters JITP gives a template: AWS::IoT::Certificate::{CommonName, Country, Organization,
 * OrganizationalUnit, DistinguishedNameQualifier, StateName, SerialNumber} from the certificate's subject
 * (the first value of each field it has) and AWS::IoT::Certificate::Id, the certificate's id.
 */
export function certificateParameters(pem: string, certificateId: string): Record<string, string> {
  const cert = new x509.X509Certificate(pem);
  const out: Record<string, string> = { 'AWS::IoT::Certificate::Id': certificateId };
  for (const [name, oid] of Object.entries(SUBJECT_FIELDS)) {
    const value = cert.subjectName.getField(oid)[0];
    if (value !== undefined) out[`AWS::IoT::Certificate::${name}`] = value;
  }
  return out;
}
