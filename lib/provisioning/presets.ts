import { thingScopedPolicyDocument } from './default-template';

/**
 * Fleet provisioning template presets the dashboard offers, as AWS IoT's developer guide shapes them
 * ("Provisioning by claim", "Provisioning by trusted user"): the device sends a SerialNumber, the template makes a
 * thing named after it, activates the device's own certificate and attaches a policy (an existing one by name,
 * or an inline policy that lets the device act only as its own thing).
 *
 * AWS keeps no list of "things made by template": every preset writes the template's name into the thing
 * attribute PROVISIONED_BY_ATTRIBUTE, and the provisioned-devices view lists things by it (ListThings by
 * attribute). Pure; runs in the browser and on the server.
 */

/** The thing attribute naming the template that made a thing. */
export const PROVISIONED_BY_ATTRIBUTE = 'provisioningTemplate';

/** The parameter every preset asks the device for. */
export const SERIAL_NUMBER_PARAMETER = 'SerialNumber';

export type PresetKind = 'claim' | 'trusted-user';

export const PRESETS: readonly { kind: PresetKind; label: string; description: string }[] = [
  {
    kind: 'claim',
    label: 'Provisioning by claim',
    description:
      'One claim certificate on every unit from the factory; each device exchanges it for its own certificate and a thing named after its serial number.',
  },
  {
    kind: 'trusted-user',
    label: 'Provisioning by trusted user',
    description:
      'An installer’s app asks for a five-minute claim (CreateProvisioningClaim) and hands it to the device, which then provisions itself the same way.',
  },
];

export interface PresetOptions {
  kind: PresetKind;
  templateName: string;
  /** Prepended to the serial number to make the thing name. */
  thingNamePrefix?: string;
  /** A thing group (it must exist) every provisioned thing joins. */
  thingGroup?: string;
  /** An existing policy to attach; without one an inline thing-scoped policy is made. */
  policyName?: string;
  region?: string;
  accountId?: string;
}

/** A preset's template body (JSON text, as CreateProvisioningTemplate takes it). */
export function presetTemplate(opts: PresetOptions): string {
  const serial = { Ref: SERIAL_NUMBER_PARAMETER };
  const prefix = opts.thingNamePrefix?.trim() ?? '';
  const thingName = prefix ? { 'Fn::Join': ['', [prefix, serial]] } : serial;
  const thing: Record<string, unknown> = {
    ThingName: thingName,
    AttributePayload: {
      [PROVISIONED_BY_ATTRIBUTE]: opts.templateName,
      serialNumber: serial,
      ...(opts.kind === 'trusted-user' ? { provisionedThrough: 'trusted-user' } : {}),
    },
  };
  const group = opts.thingGroup?.trim();
  if (group) thing.ThingGroups = [group];
  const policyName = opts.policyName?.trim();
  const policy = policyName
    ? { PolicyName: policyName }
    : { PolicyDocument: thingScopedPolicyDocument({ region: opts.region, accountId: opts.accountId }) };
  return JSON.stringify(
    {
      Parameters: {
        [SERIAL_NUMBER_PARAMETER]: { Type: 'String' },
        'AWS::IoT::Certificate::Id': { Type: 'String' },
      },
      Resources: {
        thing: {
          Type: 'AWS::IoT::Thing',
          Properties: thing,
          OverrideSettings: { AttributePayload: 'MERGE', ThingGroups: 'DO_NOTHING' },
        },
        certificate: {
          Type: 'AWS::IoT::Certificate',
          Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' },
        },
        policy: { Type: 'AWS::IoT::Policy', Properties: policy },
      },
    },
    null,
    2,
  );
}
