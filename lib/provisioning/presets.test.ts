import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { evaluateProvisioningTemplate } from '../../emulator/provisioning/template';
import { PROVISIONED_BY_ATTRIBUTE, presetTemplate } from './presets';
import { checkFleetTemplate } from './template-check';

describe('fleet provisioning presets', () => {
  for (const kind of ['claim', 'trusted-user'] as const) {
    test(`the ${kind} preset passes the template check with nothing to note, and wants only a SerialNumber`, () => {
      const check = checkFleetTemplate(presetTemplate({ kind, templateName: 'widgets' }));
      assert.deepEqual(check, { problems: [], warnings: [], deviceParameters: ['SerialNumber'] });
    });
  }

  test('a device gets a thing named prefix + serial, marked with its template, in the group, with the policy', () => {
    const body = presetTemplate({
      kind: 'claim',
      templateName: 'widgets',
      thingNamePrefix: 'widget-',
      thingGroup: 'factory-a',
      policyName: 'WidgetPolicy',
    });
    const plan = evaluateProvisioningTemplate(body, {
      SerialNumber: 'SN-7',
      'AWS::IoT::Certificate::Id': 'a'.repeat(64),
    });
    assert.equal(plan.thing?.thingName, 'widget-SN-7');
    assert.equal(plan.thing?.attributes?.[PROVISIONED_BY_ATTRIBUTE], 'widgets');
    assert.equal(plan.thing?.attributes?.serialNumber, 'SN-7');
    assert.deepEqual(plan.thing?.thingGroups, ['factory-a']);
    assert.deepEqual(
      plan.policies.map((p) => p.policyName),
      ['WidgetPolicy'],
    );
    assert.equal(plan.certificate?.status, 'ACTIVE');
  });

  test('without a policy name the preset carries an inline policy scoped to the device’s own thing', () => {
    const body = JSON.parse(presetTemplate({ kind: 'trusted-user', templateName: 'kiosks' }));
    const doc = JSON.parse(body.Resources.policy.Properties.PolicyDocument);
    assert.match(JSON.stringify(doc), /\$\{iot:Connection\.Thing\.ThingName\}/);
    assert.equal(body.Resources.thing.Properties.AttributePayload.provisionedThrough, 'trusted-user');
  });
});

describe('the template check', () => {
  test('refuses what the local IoT Core refuses, in its words', () => {
    assert.match(checkFleetTemplate('{').problems[0]!, /not valid JSON/);
    assert.match(checkFleetTemplate('{"Resources": {}}').problems[0]!, /no Resources/);
    const unsupported = JSON.stringify({
      Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { 'Fn::Base64': 'x' } } } },
    });
    assert.match(checkFleetTemplate(unsupported).problems[0]!, /unsupported function Fn::Base64/);
    const csr = JSON.stringify({
      Resources: { cert: { Type: 'AWS::IoT::Certificate', Properties: { CertificateSigningRequest: 'x' } } },
    });
    assert.match(checkFleetTemplate(csr).problems[0]!, /by CertificateId/);
  });

  test('refuses a body longer than AWS takes', () => {
    const body = presetTemplate({ kind: 'claim', templateName: 'w' }).padEnd(10_241, ' ');
    assert.match(checkFleetTemplate(body).problems[0]!, /at most 10,240/);
  });

  test('notes a template whose devices could not connect or would not be listed', () => {
    const body = JSON.stringify({
      Parameters: { SerialNumber: { Type: 'String' } },
      Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { Ref: 'SerialNumber' } } } },
    });
    const check = checkFleetTemplate(body);
    assert.deepEqual(check.problems, []);
    assert.equal(check.warnings.length, 2);
    assert.match(check.warnings.join(' '), /PENDING_ACTIVATION/);
    assert.match(check.warnings.join(' '), /Provisioned devices/);
  });

  test('parameters with a Default are not asked of the device', () => {
    const body = JSON.stringify({
      Parameters: { SerialNumber: { Type: 'String' }, Site: { Type: 'String', Default: 'hq' } },
      Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { Ref: 'SerialNumber' } } } },
    });
    assert.deepEqual(checkFleetTemplate(body).deviceParameters, ['SerialNumber']);
  });
});
