import { Evaluator, NO_VALUE } from '../../lib/provisioning/template/intrinsics';
import {
  CERTIFICATE,
  isObject,
  type JsonObject,
  type ProvisioningPlan,
  type ProvisioningTemplate,
  show,
  TemplateError,
  THING,
} from '../../lib/provisioning/template/model';
import { parseProvisioningTemplate } from '../../lib/provisioning/template/parse';
import { planCertificate, planPolicy, planThing } from './resources';

/**
 * AWS IoT provisioning templates (JITP and fleet provisioning), parsed and evaluated without I/O:
 * the result is a plan of the thing, certificate and policies the template asks for, which
 * emulator/iot/provision.ts carries out through the registry's operations in one transaction.
 *
 * The parts: lib/provisioning/template/ (pure, shared with the dashboard's template editor: model.ts, the
 * template's and the plan's shapes; parse.ts, sections and declarations; intrinsics.ts, parameters, conditions,
 * intrinsic functions; template-types.ts, the checks by template type), ./resources.ts (each resource's properties into
 * the plan), ./parameters.ts (what JITP passes from the device certificate). This module joins them.
 *
 * Supported, as the AWS IoT developer guide ("Provisioning templates") describes them:
 * - Parameters: `{ "Type": "String" | "Number", "Default"?: ... }`. A declared parameter with no value
 *   and no Default is an error (AWS: "the certificate must contain values for all of the parameters").
 * - Mappings and Conditions (Fn::Equals, Fn::And, Fn::Or, Fn::Not, `{"Condition": name}`), a resource's
 *   `Condition`, Fn::If and `{"Ref": "AWS::NoValue"}`.
 * - Intrinsic functions Ref, Fn::Join, Fn::Select, Fn::Split, Fn::Sub (with `${!Literal}` escapes) and
 *   Fn::FindInMap. Any other `Fn::` is an error naming it.
 * - DeviceConfiguration (fleet provisioning): names and values, evaluated like resource properties; RegisterThing
 *   answers with them.
 * - Resources: AWS::IoT::Thing (ThingName, AttributePayload, ThingTypeName, ThingGroups, BillingGroup,
 *   OverrideSettings), AWS::IoT::Certificate (CertificateId or CertificatePem, Status) and
 *   AWS::IoT::Policy (PolicyName and/or PolicyDocument). At most one thing and one certificate.
 *
 * Policy variables: a PolicyDocument given as a plain string keeps `${iot:...}` as is (only Fn::Sub
 * substitutes `${...}`). Inside Fn::Sub, write `${!iot:Connection.Thing.ThingName}` for a literal
 * `${iot:Connection.Thing.ThingName}`, as in CloudFormation.
 */

export * from '../../lib/provisioning/template/model';
export { parseProvisioningTemplate } from '../../lib/provisioning/template/parse';
export { certificateParameters, certificateParametersFor } from './parameters';
export { generatedPolicyName } from './resources';
export { checkTemplateBody, TEMPLATE_TYPES, type TemplateType } from '../../lib/provisioning/template/template-types';

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
  if (t.deviceConfiguration) plan.deviceConfiguration = deviceConfiguration(ev, t.deviceConfiguration);
  const names = plan.policies.map((p) => p.policyName);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new TemplateError(`Two policy resources name the same policy ${dup}.`);
  return plan;
}

/**
 * DeviceConfiguration, evaluated: what RegisterThing hands the device (a map of strings, as the Device SDKs type
 * it). Numbers and booleans are written as text; a list or an object is not a device configuration value.
 */
function deviceConfiguration(ev: Evaluator, raw: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const at = `DeviceConfiguration.${name}`;
    const v = ev.eval(value, at);
    if (v === NO_VALUE) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[name] = String(v);
    else throw new TemplateError(`${at} must evaluate to a string, not ${show(v)}.`);
  }
  return out;
}
