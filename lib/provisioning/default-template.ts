/**
 * The just-in-time provisioning (JITP) template the dashboard offers when a CA is registered with
 * auto-registration: each device gets a thing named after its certificate's CommonName, an inline
 * thing-scoped policy, and its certificate activated. Pure; runs in the browser and on the server.
 *
 * Policy variables: the policy document is a plain string inside the template, so `${iot:...}` stays
 * as written (AWS substitutes `${...}` only inside Fn::Sub, where a literal would be `${!iot:...}`), and
 * AWS IoT resolves it when it evaluates the policy for a connection.
 */

export interface DefaultJitpTemplateOptions {
  /** Name for the inline policy; without one AWS names it by a hash of the document (one shared policy). */
  policyName?: string;
  /** Prepended to the certificate's CommonName to make the thing name. */
  thingNamePrefix?: string;
  /** Region and account in the policy's ARNs; `*` (any) when not given. */
  region?: string;
  accountId?: string;
}

const THING = '${iot:Connection.Thing.ThingName}';

/** A policy that lets a device act only as its own thing: connect with its thing name, use its own topics. */
export function thingScopedPolicyDocument(opts: Pick<DefaultJitpTemplateOptions, 'region' | 'accountId'> = {}): string {
  const arn = `arn:aws:iot:${opts.region ?? '*'}:${opts.accountId ?? '*'}`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: `${arn}:client/${THING}` },
      {
        Effect: 'Allow',
        Action: ['iot:Publish', 'iot:Receive'],
        Resource: [`${arn}:topic/$aws/things/${THING}/*`, `${arn}:topic/${THING}/*`],
      },
      {
        Effect: 'Allow',
        Action: 'iot:Subscribe',
        Resource: [`${arn}:topicfilter/$aws/things/${THING}/*`, `${arn}:topicfilter/${THING}/*`],
      },
    ],
  });
}

/** The template body (a JSON string, as registrationConfig.templateBody takes it). */
export function defaultJitpTemplate(opts: DefaultJitpTemplateOptions = {}): string {
  const commonName = { Ref: 'AWS::IoT::Certificate::CommonName' };
  const thingName = opts.thingNamePrefix ? { 'Fn::Join': ['', [opts.thingNamePrefix, commonName]] } : commonName;
  const policyProperties: Record<string, string> = { PolicyDocument: thingScopedPolicyDocument(opts) };
  if (opts.policyName) policyProperties.PolicyName = opts.policyName;
  return JSON.stringify(
    {
      Parameters: {
        'AWS::IoT::Certificate::CommonName': { Type: 'String' },
        'AWS::IoT::Certificate::Id': { Type: 'String' },
      },
      Resources: {
        thing: {
          Type: 'AWS::IoT::Thing',
          Properties: { ThingName: thingName },
        },
        certificate: {
          Type: 'AWS::IoT::Certificate',
          Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' },
        },
        policy: {
          Type: 'AWS::IoT::Policy',
          Properties: policyProperties,
        },
      },
    },
    null,
    2,
  );
}
