/** The shapes of a provisioning template and of the plan it evaluates to (see ./template.ts). */

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const THING = 'AWS::IoT::Thing';
export const CERTIFICATE = 'AWS::IoT::Certificate';
export const POLICY = 'AWS::IoT::Policy';
export const RESOURCE_TYPES = [THING, CERTIFICATE, POLICY];

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
  /** Fleet provisioning's DeviceConfiguration section, still unevaluated; absent when the template has none. */
  deviceConfiguration?: JsonObject;
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
  /** The evaluated DeviceConfiguration, every value a string (RegisterThing answers with it). */
  deviceConfiguration?: Record<string, string>;
}

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
export const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
};
