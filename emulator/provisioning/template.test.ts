import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultJitpTemplate, thingScopedPolicyDocument } from '../../lib/provisioning/default-template';
import { parsePolicyDocument } from '../../lib/validation/policy-document';
import { makeCa, makeCertificate } from '../pki/fixtures';
import {
  certificateParameters,
  evaluateProvisioningTemplate,
  generatedPolicyName,
  parseProvisioningTemplate,
  TemplateError,
} from './template';

const ID = 'a'.repeat(64);
const CERT_PARAMS = {
  'AWS::IoT::Certificate::CommonName': 'sensor-7',
  'AWS::IoT::Certificate::Id': ID,
  'AWS::IoT::Certificate::Country': 'DE',
};

const policyDoc = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: 'arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}' },
  ],
});

/** The JITP example from the AWS IoT developer guide, in shape. */
const awsExample = {
  Parameters: {
    'AWS::IoT::Certificate::CommonName': { Type: 'String' },
    'AWS::IoT::Certificate::Country': { Type: 'String' },
    'AWS::IoT::Certificate::Id': { Type: 'String' },
  },
  Resources: {
    thing: {
      Type: 'AWS::IoT::Thing',
      Properties: {
        ThingName: { Ref: 'AWS::IoT::Certificate::CommonName' },
        AttributePayload: { version: 'v1', country: { Ref: 'AWS::IoT::Certificate::Country' } },
      },
    },
    certificate: {
      Type: 'AWS::IoT::Certificate',
      Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' },
    },
    policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyDocument: policyDoc } },
  },
};

const withResources = (resources: object, extra: object = {}) =>
  JSON.stringify({ Parameters: awsExample.Parameters, Resources: resources, ...extra });

const thingNamed = (ThingName: unknown) => ({ t: { Type: 'AWS::IoT::Thing', Properties: { ThingName } } });

function expectTemplateError(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TemplateError, `expected a TemplateError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('provisioning templates: evaluation', () => {
  test("the developer guide's JITP template plans a thing, an active certificate and an inline policy", () => {
    const plan = evaluateProvisioningTemplate(JSON.stringify(awsExample), CERT_PARAMS);
    assert.deepEqual(plan.thing, {
      logicalId: 'thing',
      thingName: 'sensor-7',
      attributes: { version: 'v1', country: 'DE' },
      thingTypeName: undefined,
      overrideSettings: { attributePayload: undefined, thingTypeName: undefined, thingGroups: undefined },
    });
    assert.deepEqual(plan.certificate, { logicalId: 'certificate', certificateId: ID, status: 'ACTIVE' });
    assert.equal(plan.policies.length, 1);
    assert.equal(plan.policies[0]!.policyDocument, policyDoc);
    assert.equal(plan.policies[0]!.generatedName, true);
    assert.equal(plan.policies[0]!.policyName, generatedPolicyName(policyDoc));
    assert.match(plan.policies[0]!.policyName, /^[0-9a-f]{64}$/);
  });

  test('policy variables in a plain PolicyDocument string are left for the policy evaluator', () => {
    const plan = evaluateProvisioningTemplate(JSON.stringify(awsExample), CERT_PARAMS);
    assert.ok(plan.policies[0]!.policyDocument!.includes('${iot:Connection.Thing.ThingName}'));
  });

  test('a named policy without a document refers to an existing policy', () => {
    const plan = evaluateProvisioningTemplate(
      withResources({ p: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'FleetPolicy' } } }),
      CERT_PARAMS,
    );
    assert.deepEqual(plan.policies, [
      { logicalId: 'p', policyName: 'FleetPolicy', policyDocument: undefined, generatedName: false },
    ]);
  });

  test('a PolicyDocument given as an object is serialised', () => {
    const doc = JSON.parse(policyDoc) as object;
    const plan = evaluateProvisioningTemplate(
      withResources({ p: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'P', PolicyDocument: doc } } }),
      CERT_PARAMS,
    );
    assert.deepEqual(JSON.parse(plan.policies[0]!.policyDocument!), doc);
  });

  test('Fn::Join, Fn::Split and Fn::Select compose', () => {
    const plan = evaluateProvisioningTemplate(
      withResources(
        thingNamed({
          'Fn::Join': [
            '-',
            ['plant', { 'Fn::Select': [1, { 'Fn::Split': ['-', { Ref: 'AWS::IoT::Certificate::CommonName' }] }] }],
          ],
        }),
      ),
      CERT_PARAMS,
    );
    assert.equal(plan.thing!.thingName, 'plant-7');
  });

  test('Fn::Sub substitutes parameters and keeps ${!literal} escapes', () => {
    const doc =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/${AWS::IoT::Certificate::Country}/${!iot:ClientId}"}]}';
    const plan = evaluateProvisioningTemplate(
      withResources({
        ...thingNamed({ 'Fn::Sub': ['${prefix}_${AWS::IoT::Certificate::CommonName}', { prefix: 'edge' }] }),
        p: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'P', PolicyDocument: { 'Fn::Sub': doc } } },
      }),
      CERT_PARAMS,
    );
    assert.equal(plan.thing!.thingName, 'edge_sensor-7');
    assert.match(plan.policies[0]!.policyDocument!, /topic\/DE\/\$\{iot:ClientId\}/);
  });

  test('Fn::Sub refuses an unescaped policy variable and says how to escape it', () => {
    expectTemplateError(
      () => evaluateProvisioningTemplate(withResources(thingNamed({ 'Fn::Sub': 'x-${iot:ClientId}' })), CERT_PARAMS),
      /\$\{!iot:ClientId\}/,
    );
  });

  test('Fn::FindInMap reads Mappings', () => {
    const plan = evaluateProvisioningTemplate(
      withResources(
        {
          t: {
            Type: 'AWS::IoT::Thing',
            Properties: {
              ThingName: { Ref: 'AWS::IoT::Certificate::CommonName' },
              ThingTypeName: { 'Fn::FindInMap': ['Types', { Ref: 'AWS::IoT::Certificate::Country' }, 'type'] },
            },
          },
        },
        { Mappings: { Types: { DE: { type: 'Meter' }, US: { type: 'Gauge' } } } },
      ),
      CERT_PARAMS,
    );
    assert.equal(plan.thing!.thingTypeName, 'Meter');
  });

  test('Conditions select resources and Fn::If values; AWS::NoValue drops a property', () => {
    const template = withResources(
      {
        t: {
          Type: 'AWS::IoT::Thing',
          Properties: {
            ThingName: { Ref: 'AWS::IoT::Certificate::CommonName' },
            AttributePayload: {
              region: { 'Fn::If': ['InGermany', 'eu', 'other'] },
              extra: { 'Fn::If': ['InGermany', { Ref: 'AWS::NoValue' }, 'x'] },
            },
          },
        },
        onlyElsewhere: {
          Type: 'AWS::IoT::Policy',
          Condition: 'Elsewhere',
          Properties: { PolicyName: 'OtherPolicy' },
        },
      },
      {
        Conditions: {
          InGermany: { 'Fn::Equals': [{ Ref: 'AWS::IoT::Certificate::Country' }, 'DE'] },
          Elsewhere: { 'Fn::Not': [{ Condition: 'InGermany' }] },
        },
      },
    );
    const de = evaluateProvisioningTemplate(template, CERT_PARAMS);
    assert.deepEqual(de.thing!.attributes, { region: 'eu' });
    assert.deepEqual(de.policies, []);
    const us = evaluateProvisioningTemplate(template, { ...CERT_PARAMS, 'AWS::IoT::Certificate::Country': 'US' });
    assert.deepEqual(us.thing!.attributes, { region: 'other', extra: 'x' });
    assert.equal(us.policies[0]!.policyName, 'OtherPolicy');
  });

  test('a parameter Default fills in for a missing value', () => {
    const plan = evaluateProvisioningTemplate(
      JSON.stringify({
        Parameters: {
          Site: { Type: 'String', Default: 'plant1' },
          'AWS::IoT::Certificate::CommonName': { Type: 'String' },
        },
        Resources: thingNamed({ 'Fn::Join': ['_', [{ Ref: 'Site' }, { Ref: 'AWS::IoT::Certificate::CommonName' }]] }),
      }),
      CERT_PARAMS,
    );
    assert.equal(plan.thing!.thingName, 'plant1_sensor-7');
  });

  test('OverrideSettings, thing groups and billing group are carried into the plan', () => {
    const plan = evaluateProvisioningTemplate(
      withResources({
        t: {
          Type: 'AWS::IoT::Thing',
          OverrideSettings: { AttributePayload: 'MERGE', ThingTypeName: 'REPLACE', ThingGroups: 'DO_NOTHING' },
          Properties: { ThingName: 'dev', ThingGroups: ['g1', 'g2'], BillingGroup: 'b1' },
        },
      }),
      CERT_PARAMS,
    );
    assert.deepEqual(plan.thing!.overrideSettings, {
      attributePayload: 'MERGE',
      thingTypeName: 'REPLACE',
      thingGroups: 'DO_NOTHING',
    });
    assert.deepEqual(plan.thing!.thingGroups, ['g1', 'g2']);
    assert.equal(plan.thing!.billingGroup, 'b1');
  });
});

describe('provisioning templates: errors name what is wrong', () => {
  test('invalid JSON', () => expectTemplateError(() => parseProvisioningTemplate('{nope'), /not valid JSON/));

  test('no Resources', () => expectTemplateError(() => parseProvisioningTemplate('{"Parameters":{}}'), /no Resources/));

  test('an unknown resource type', () =>
    expectTemplateError(
      () => parseProvisioningTemplate(withResources({ q: { Type: 'AWS::SQS::Queue', Properties: {} } })),
      /Resource q has unsupported Type "AWS::SQS::Queue"/,
    ));

  test('two things', () =>
    expectTemplateError(
      () =>
        parseProvisioningTemplate(
          withResources({ ...thingNamed('a'), u: { Type: 'AWS::IoT::Thing', Properties: { ThingName: 'b' } } }),
        ),
      /one AWS::IoT::Thing; found t, u/,
    ));

  test('a declared parameter the certificate does not have', () =>
    expectTemplateError(
      () =>
        evaluateProvisioningTemplate(
          JSON.stringify({
            Parameters: { 'AWS::IoT::Certificate::OrganizationalUnit': { Type: 'String' } },
            Resources: thingNamed({ Ref: 'AWS::IoT::Certificate::OrganizationalUnit' }),
          }),
          CERT_PARAMS,
        ),
      /Parameter AWS::IoT::Certificate::OrganizationalUnit has no value: the device certificate has no such field/,
    ));

  test('a Ref to an undeclared parameter', () =>
    expectTemplateError(
      () => evaluateProvisioningTemplate(withResources(thingNamed({ Ref: 'Nope' })), CERT_PARAMS),
      /Resources\.t\.Properties\.ThingName\.Ref: Ref to undeclared parameter Nope/,
    ));

  test('an unsupported function', () =>
    expectTemplateError(
      () => evaluateProvisioningTemplate(withResources(thingNamed({ 'Fn::GetAtt': ['x', 'Arn'] })), CERT_PARAMS),
      /unsupported function Fn::GetAtt/,
    ));

  test('a bad Fn::Select index', () =>
    expectTemplateError(
      () => evaluateProvisioningTemplate(withResources(thingNamed({ 'Fn::Select': [3, ['a', 'b']] })), CERT_PARAMS),
      /index 3 is outside the list of 2/,
    ));

  test('a thing name AWS would refuse', () =>
    expectTemplateError(
      () => evaluateProvisioningTemplate(withResources(thingNamed('bad name!')), CERT_PARAMS),
      /ThingName "bad name!" is not valid/,
    ));

  test('a malformed inline policy', () =>
    expectTemplateError(
      () =>
        evaluateProvisioningTemplate(
          withResources({
            p: { Type: 'AWS::IoT::Policy', Properties: { PolicyDocument: '{"Version":"2012-10-17"}' } },
          }),
          CERT_PARAMS,
        ),
      /Resources\.p\.Properties\.PolicyDocument is malformed: .*Statement/,
    ));

  test('a policy with neither name nor document', () =>
    expectTemplateError(
      () =>
        evaluateProvisioningTemplate(withResources({ p: { Type: 'AWS::IoT::Policy', Properties: {} } }), CERT_PARAMS),
      /needs PolicyName .* or PolicyDocument/,
    ));

  test('an unknown OverrideSettings value', () =>
    expectTemplateError(
      () =>
        evaluateProvisioningTemplate(
          withResources({
            t: {
              Type: 'AWS::IoT::Thing',
              OverrideSettings: { AttributePayload: 'SOMETIMES' },
              Properties: { ThingName: 'x' },
            },
          }),
          CERT_PARAMS,
        ),
      /OverrideSettings\.AttributePayload must be one of MERGE, REPLACE, FAIL/,
    ));

  test('a certificate status that is not a certificate status', () =>
    expectTemplateError(
      () =>
        evaluateProvisioningTemplate(
          withResources({ c: { Type: 'AWS::IoT::Certificate', Properties: { CertificateId: ID, Status: 'ON' } } }),
          CERT_PARAMS,
        ),
      /Status must be one of ACTIVE, INACTIVE, REVOKED/,
    ));
});

describe('provisioning templates: certificate parameters', () => {
  test("JITP's parameters come from the certificate's subject, plus its id", async () => {
    const ca = await makeCa();
    const { pem } = await makeCertificate(ca, {
      name: 'CN=rpi0-12, O=Acme, OU=Fleet, C=GB, ST=Essex, 2.5.4.5=SN-0042, 2.5.4.46=q1',
    });
    assert.deepEqual(certificateParameters(pem, ID), {
      'AWS::IoT::Certificate::Id': ID,
      'AWS::IoT::Certificate::CommonName': 'rpi0-12',
      'AWS::IoT::Certificate::Country': 'GB',
      'AWS::IoT::Certificate::Organization': 'Acme',
      'AWS::IoT::Certificate::OrganizationalUnit': 'Fleet',
      'AWS::IoT::Certificate::StateName': 'Essex',
      'AWS::IoT::Certificate::SerialNumber': 'SN-0042',
      'AWS::IoT::Certificate::DistinguishedNameQualifier': 'q1',
    });
  });

  test('fields the subject lacks are absent', async () => {
    const ca = await makeCa();
    const { pem } = await makeCertificate(ca, { name: 'CN=only-cn' });
    assert.deepEqual(certificateParameters(pem, ID), {
      'AWS::IoT::Certificate::Id': ID,
      'AWS::IoT::Certificate::CommonName': 'only-cn',
    });
  });
});

describe('the default JITP template', () => {
  test('names the thing after the CommonName and activates the certificate', () => {
    const plan = evaluateProvisioningTemplate(defaultJitpTemplate(), CERT_PARAMS);
    assert.equal(plan.thing!.thingName, 'sensor-7');
    assert.deepEqual(plan.certificate, { logicalId: 'certificate', certificateId: ID, status: 'ACTIVE' });
    assert.equal(plan.policies.length, 1);
    assert.equal(plan.policies[0]!.generatedName, true);
  });

  test('a prefix and a policy name are honoured', () => {
    const plan = evaluateProvisioningTemplate(
      defaultJitpTemplate({ thingNamePrefix: 'rpi_', policyName: 'RpiFleet' }),
      CERT_PARAMS,
    );
    assert.equal(plan.thing!.thingName, 'rpi_sensor-7');
    assert.equal(plan.policies[0]!.policyName, 'RpiFleet');
  });

  test('the policy is thing-scoped and valid', () => {
    const doc = thingScopedPolicyDocument({ region: 'eu-west-1', accountId: '123456789012' });
    const result = parsePolicyDocument(doc);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const arn = 'arn:aws:iot:eu-west-1:123456789012';
    const thing = '${iot:Connection.Thing.ThingName}';
    assert.deepEqual(
      result.policy.statements.map((s) => [s.effect, s.actions, s.resources]),
      [
        ['Allow', ['iot:Connect'], [`${arn}:client/${thing}`]],
        ['Allow', ['iot:Publish', 'iot:Receive'], [`${arn}:topic/$aws/things/${thing}/*`, `${arn}:topic/${thing}/*`]],
        ['Allow', ['iot:Subscribe'], [`${arn}:topicfilter/$aws/things/${thing}/*`, `${arn}:topicfilter/${thing}/*`]],
      ],
    );
  });
});
