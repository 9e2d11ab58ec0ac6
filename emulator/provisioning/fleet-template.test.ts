import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeCa, makeCertificate } from '../pki/fixtures';
import { certificateParametersFor, checkTemplateBody, evaluateProvisioningTemplate, TemplateError } from './template';

/** Fleet provisioning templates: DeviceConfiguration, and what CreateProvisioningTemplate checks by type. */

const ID = 'b'.repeat(64);

/** The fleet provisioning example of the AWS IoT developer guide, in shape. */
const fleetExample = {
  Parameters: {
    SerialNumber: { Type: 'String' },
    DeviceLocation: { Type: 'String' },
    'AWS::IoT::Certificate::Id': { Type: 'String' },
  },
  Mappings: { LocationTable: { Seattle: { LocationUrl: 'https://example.aws' } } },
  Resources: {
    thing: {
      Type: 'AWS::IoT::Thing',
      Properties: {
        ThingName: { 'Fn::Join': ['', ['ThingPrefix_', { Ref: 'SerialNumber' }]] },
        AttributePayload: { version: 'v1', serialNumber: { Ref: 'SerialNumber' } },
      },
      OverrideSettings: { AttributePayload: 'MERGE', ThingTypeName: 'REPLACE', ThingGroups: 'DO_NOTHING' },
    },
    certificate: {
      Type: 'AWS::IoT::Certificate',
      Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'Active' },
    },
  },
  DeviceConfiguration: {
    FallbackUrl: 'https://www.example.com/test-site',
    LocationUrl: { 'Fn::FindInMap': ['LocationTable', { Ref: 'DeviceLocation' }, 'LocationUrl'] },
    Retries: 3,
  },
};

function expectTemplateError(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TemplateError, `expected a TemplateError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

const params = { SerialNumber: '42', DeviceLocation: 'Seattle', 'AWS::IoT::Certificate::Id': ID };

describe('fleet provisioning templates', () => {
  test("the developer guide's example plans the thing, activates the certificate, and evaluates DeviceConfiguration", () => {
    const plan = evaluateProvisioningTemplate(JSON.stringify(fleetExample), params);
    assert.equal(plan.thing?.thingName, 'ThingPrefix_42');
    assert.deepEqual(plan.thing?.attributes, { version: 'v1', serialNumber: '42' });
    // "Status": "Active" as the guide writes it.
    assert.equal(plan.certificate?.status, 'ACTIVE');
    assert.equal(plan.certificate?.certificateId, ID);
    assert.deepEqual(plan.deviceConfiguration, {
      FallbackUrl: 'https://www.example.com/test-site',
      LocationUrl: 'https://example.aws',
      Retries: '3',
    });
  });

  test('a template without DeviceConfiguration plans none', () => {
    const { DeviceConfiguration: _, ...rest } = fleetExample;
    assert.equal(evaluateProvisioningTemplate(JSON.stringify(rest), params).deviceConfiguration, undefined);
  });

  test('a DeviceConfiguration value that is a list is refused with its place', () =>
    expectTemplateError(
      () =>
        evaluateProvisioningTemplate(
          JSON.stringify({ ...fleetExample, DeviceConfiguration: { urls: ['a', 'b'] } }),
          params,
        ),
      /DeviceConfiguration\.urls must evaluate to a string/,
    ));

  test('both types accept a certificate named by CertificateId', () => {
    assert.ok(checkTemplateBody(JSON.stringify(fleetExample), 'FLEET_PROVISIONING'));
    const { DeviceConfiguration: _, Mappings: __, ...jitp } = fleetExample;
    assert.ok(checkTemplateBody(JSON.stringify(jitp), 'JITP'));
  });

  test('a certificate given by CSR or PEM is bulk registration, not fleet provisioning or JITP', () => {
    for (const prop of ['CertificateSigningRequest', 'CertificatePem']) {
      const body = JSON.stringify({
        Parameters: { X: { Type: 'String' } },
        Resources: { c: { Type: 'AWS::IoT::Certificate', Properties: { [prop]: { Ref: 'X' } } } },
      });
      expectTemplateError(() => checkTemplateBody(body, 'FLEET_PROVISIONING'), new RegExp(`not by ${prop}`));
      expectTemplateError(() => checkTemplateBody(body, 'JITP'), /by CertificateId/);
    }
  });

  test('DeviceConfiguration in a JITP template is refused', () =>
    expectTemplateError(() => checkTemplateBody(JSON.stringify(fleetExample), 'JITP'), /FLEET_PROVISIONING/));

  test('an unsupported function anywhere is refused when the template is written', () => {
    const body = JSON.stringify({
      ...fleetExample,
      DeviceConfiguration: { Url: { 'Fn::GetAtt': ['thing', 'Arn'] } },
    });
    expectTemplateError(
      () => checkTemplateBody(body, 'FLEET_PROVISIONING'),
      /DeviceConfiguration\.Url: unsupported function Fn::GetAtt/,
    );
  });

  test('a body that is not a template says why', () => {
    expectTemplateError(() => checkTemplateBody('[]', 'FLEET_PROVISIONING'), /must be a JSON object/);
    expectTemplateError(() => checkTemplateBody('{"Resources":{}}', 'FLEET_PROVISIONING'), /no Resources/);
    expectTemplateError(
      () => checkTemplateBody('{"Resources":{"t":{"Type":"AWS::IoT::Thing"}},"DeviceConfiguration":[]}', 'JITP'),
      /DeviceConfiguration must be an object/,
    );
  });

  test("the certificate's subject is read only when the template names one of its fields", async () => {
    // Not even parsed: a template that uses only the certificate id never pays for reading the subject.
    assert.deepEqual(certificateParametersFor(JSON.stringify(fleetExample), 'not a certificate', ID), {
      'AWS::IoT::Certificate::Id': ID,
    });
    const ca = await makeCa();
    const leaf = await makeCertificate(ca, { name: 'CN=kiosk-9, O=Acme' });
    const body = JSON.stringify({
      Resources: {
        t: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { Ref: 'AWS::IoT::Certificate::CommonName' } } },
      },
    });
    assert.deepEqual(certificateParametersFor(body, leaf.pem, ID), {
      'AWS::IoT::Certificate::Id': ID,
      'AWS::IoT::Certificate::CommonName': 'kiosk-9',
      'AWS::IoT::Certificate::Organization': 'Acme',
    });
  });
});
