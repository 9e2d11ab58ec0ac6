import { CreatePolicyCommand, CreateProvisioningTemplateCommand } from '@aws-sdk/client-iot';
import type { TestEmulator } from './harness';

/** Provisioning templates and policies the fleet provisioning tests share. */

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/Provisioning';
export const HOOK_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:pre-provisioning';

/** The policy a provisioned device gets: connect as its thing, publish and receive under its name. */
export const DEVICE_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: 'arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}' },
    { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: 'arn:aws:iot:*:*:topic/*' },
    { Effect: 'Allow', Action: 'iot:Subscribe', Resource: 'arn:aws:iot:*:*:topicfilter/*' },
  ],
});

/**
 * A claim-with-serial-number template in the shape of the AWS developer guide's: thing `<prefix><SerialNumber>`
 * with the serial as attribute, in `group` when given, the named device policy, the certificate activated, and a
 * DeviceConfiguration.
 */
export function serialNumberTemplate(opts: { prefix?: string; policyName: string; group?: string }): string {
  return JSON.stringify({
    Parameters: {
      SerialNumber: { Type: 'String' },
      'AWS::IoT::Certificate::Id': { Type: 'String' },
    },
    Resources: {
      thing: {
        Type: 'AWS::IoT::Thing',
        Properties: {
          ThingName: { 'Fn::Join': ['', [opts.prefix ?? 'device-', { Ref: 'SerialNumber' }]] },
          AttributePayload: { serial: { Ref: 'SerialNumber' } },
          ...(opts.group ? { ThingGroups: [opts.group] } : {}),
        },
      },
      certificate: {
        Type: 'AWS::IoT::Certificate',
        Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'Active' },
      },
      policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: opts.policyName } },
    },
    DeviceConfiguration: { telemetryTopic: { 'Fn::Join': ['/', ['fleet', { Ref: 'SerialNumber' }, 'telemetry']] } },
  });
}

/** Creates the device policy (once) and an enabled fleet provisioning template using it. */
export async function createFleetTemplate(
  t: TestEmulator,
  templateName: string,
  opts: { enabled?: boolean; hookArn?: string; group?: string; prefix?: string } = {},
): Promise<void> {
  await t.iot
    .send(new CreatePolicyCommand({ policyName: 'fleet-device-policy', policyDocument: DEVICE_POLICY }))
    .catch((err: Error) => {
      if (err.name !== 'ResourceAlreadyExistsException') throw err;
    });
  await t.iot.send(
    new CreateProvisioningTemplateCommand({
      templateName,
      templateBody: serialNumberTemplate({ policyName: 'fleet-device-policy', group: opts.group, prefix: opts.prefix }),
      provisioningRoleArn: ROLE_ARN,
      enabled: opts.enabled ?? true,
      ...(opts.hookArn ? { preProvisioningHook: { targetArn: opts.hookArn } } : {}),
    }),
  );
}
