import { FUNCTIONS } from './intrinsics';
import { CERTIFICATE, isObject, type Json, type ProvisioningTemplate, TemplateError } from './model';
import { parseProvisioningTemplate } from './parse';

/**
 * What CreateProvisioningTemplate and CreateProvisioningTemplateVersion check in a template body before they
 * store it, by the template's type, so that a template that could never provision is refused when it is written
 * rather than when the first device tries it:
 * - the shape (sections, parameter declarations, resource types; ./parse.ts);
 * - every `Fn::` a supported function (the evaluator would refuse it at provisioning time);
 * - a certificate resource names the device's certificate by CertificateId only: "Only certificate IDs can be
 *   used with a fleet provisioning template", and a JITP template must use CertificateId (the developer guide,
 *   "Provisioning templates"); a CSR or a PEM is bulk registration's;
 * - DeviceConfiguration belongs to fleet provisioning templates (a JITP device never receives it).
 * What depends on parameter values (names AWS would refuse, missing parameters) is checked when a device
 * provisions, as on AWS.
 */

export const TEMPLATE_TYPES = ['FLEET_PROVISIONING', 'JITP'] as const;
export type TemplateType = (typeof TEMPLATE_TYPES)[number];

const BULK_ONLY_CERTIFICATE_PROPERTIES = ['CertificateSigningRequest', 'CertificatePem', 'CACertificatePem'];

export function checkTemplateBody(body: string, type: TemplateType): ProvisioningTemplate {
  const template = parseProvisioningTemplate(body);
  for (const res of template.resources) {
    checkFunctions(res.properties, `Resources.${res.logicalId}.Properties`);
    if (res.overrideSettings) checkFunctions(res.overrideSettings, `Resources.${res.logicalId}.OverrideSettings`);
    if (res.type !== CERTIFICATE) continue;
    const given = BULK_ONLY_CERTIFICATE_PROPERTIES.filter((p) => p in res.properties);
    if (given.length > 0) {
      throw new TemplateError(
        `Resources.${res.logicalId}.Properties: a ${type} template names the device's certificate by CertificateId ({"Ref": "AWS::IoT::Certificate::Id"}), not by ${given.join(', ')}.`,
      );
    }
  }
  for (const [name, condition] of Object.entries(template.conditions)) checkFunctions(condition, `Conditions.${name}`);
  if (template.deviceConfiguration) {
    if (type === 'JITP') {
      throw new TemplateError(
        'DeviceConfiguration is for FLEET_PROVISIONING templates; a JITP device never receives it.',
      );
    }
    checkFunctions(template.deviceConfiguration, 'DeviceConfiguration');
  }
  return template;
}

function checkFunctions(value: Json, at: string): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkFunctions(v, `${at}[${i}]`));
    return;
  }
  if (!isObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    if (key.startsWith('Fn::') && !FUNCTIONS.has(key)) {
      throw new TemplateError(
        `${at}: unsupported function ${key}; provisioning templates support ${[...FUNCTIONS].join(', ')}.`,
      );
    }
    checkFunctions(v, `${at}.${key}`);
  }
}
