import { MAX_PROVISIONING_TEMPLATE_BODY_CHARS } from '../validation/iot-names';
import { PROVISIONED_BY_ATTRIBUTE } from './presets';
import { TemplateError, THING, CERTIFICATE, type ProvisioningTemplate } from './template/model';
import { checkTemplateBody, type TemplateType } from './template/template-types';

/**
 * The template editor's check, as the operator types and again in the server action before AWS sees it: the
 * same rules the local IoT Core applies in CreateProvisioningTemplate (lib/provisioning/template, one copy for
 * both), AWS's length limit, and notes on templates that would provision but not as the operator likely means.
 * Pure; runs in the browser too.
 */
export interface FleetTemplateCheck {
  problems: string[];
  warnings: string[];
  /** What the device must send in RegisterThing's parameters (declared, no Default, not filled by AWS IoT). */
  deviceParameters: string[];
}

/** Parameters AWS IoT fills itself when a device registers. */
const FILLED_BY_AWS = new Set(['AWS::IoT::Certificate::Id']);

export function checkFleetTemplate(body: string, type: TemplateType = 'FLEET_PROVISIONING'): FleetTemplateCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (body.length > MAX_PROVISIONING_TEMPLATE_BODY_CHARS) {
    problems.push(
      `The template is ${body.length.toLocaleString('en-US')} characters; AWS IoT takes at most ${MAX_PROVISIONING_TEMPLATE_BODY_CHARS.toLocaleString('en-US')}.`,
    );
  }
  let template: ProvisioningTemplate;
  try {
    template = checkTemplateBody(body, type);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    return { problems: [...problems, err.message], warnings, deviceParameters: [] };
  }
  const deviceParameters = Object.entries(template.parameters)
    .filter(([name, p]) => p.default === undefined && !FILLED_BY_AWS.has(name))
    .map(([name]) => name);
  const certificate = template.resources.find((r) => r.type === CERTIFICATE);
  if (!certificate) {
    warnings.push(
      'There is no AWS::IoT::Certificate resource: the device’s new certificate stays PENDING_ACTIVATION and it cannot connect with it.',
    );
  } else if (certificate.properties.Status !== 'ACTIVE') {
    warnings.push(
      'The certificate resource does not set Status ACTIVE: devices cannot connect with the new certificate.',
    );
  }
  const thing = template.resources.find((r) => r.type === THING);
  if (!thing) {
    warnings.push('There is no AWS::IoT::Thing resource: devices get a certificate but no thing.');
  } else {
    const attributes = thing.properties.AttributePayload;
    const named =
      typeof attributes === 'object' &&
      attributes !== null &&
      !Array.isArray(attributes) &&
      PROVISIONED_BY_ATTRIBUTE in attributes;
    if (!named) {
      warnings.push(
        `The thing has no "${PROVISIONED_BY_ATTRIBUTE}" attribute: the devices it makes will not be listed under Provisioned devices.`,
      );
    }
  }
  return { problems, warnings, deviceParameters };
}

/** The parameters a template wants from the device, or none when it does not parse (for the claim bundle). */
export function templateDeviceParameters(body: string): string[] {
  return checkFleetTemplate(body).deviceParameters;
}
