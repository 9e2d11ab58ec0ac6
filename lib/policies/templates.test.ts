import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parsePolicyDocument } from '../validation/policy-document';
import { lintPolicyDocument } from './lint';
import {
  accountIdFromArn,
  defaultParams,
  findTemplate,
  POLICY_TEMPLATES,
  renderTemplate,
  templateContext,
  validateParams,
} from './templates';

const CTX = { region: 'eu-west-1', accountId: '123456789012' };

describe('policy templates', () => {
  test('every template renders a document AWS IoT accepts, with the region and account in its ARNs', () => {
    for (const template of POLICY_TEMPLATES) {
      const text = renderTemplate(template, CTX);
      const result = parsePolicyDocument(text);
      assert.ok(result.ok, `${template.id}: ${JSON.stringify(!result.ok && result.errors)}`);
      assert.deepEqual(result.warnings, [], template.id);
      if (template.id !== 'sparkfun-datalogger') assert.match(text, /arn:aws:iot:eu-west-1:123456789012:/, template.id);
    }
  });

  test('ids are unique', () => {
    assert.equal(new Set(POLICY_TEMPLATES.map((t) => t.id)).size, POLICY_TEMPLATES.length);
  });

  test('the least-privilege templates pass the linter; the broad guide examples are flagged', () => {
    for (const template of POLICY_TEMPLATES) {
      const warnings = lintPolicyDocument(renderTemplate(template, CTX));
      if (template.broad) assert.ok(warnings.length > 0, template.id);
      else if (template.id !== 'raspberry-pi-fleet') assert.deepEqual(warnings, [], template.id);
    }
  });

  test('the thing-scoped template uses the thing-name policy variable for client, topic and topic filter', () => {
    const doc = JSON.parse(renderTemplate(findTemplate('thing-scoped')!, CTX)) as {
      Statement: { Action: unknown; Resource: string }[];
    };
    const resources = doc.Statement.map((s) => s.Resource);
    assert.deepEqual(resources, [
      'arn:aws:iot:eu-west-1:123456789012:client/${iot:Connection.Thing.ThingName}',
      'arn:aws:iot:eu-west-1:123456789012:topic/${iot:Connection.Thing.ThingName}/*',
      'arn:aws:iot:eu-west-1:123456789012:topicfilter/${iot:Connection.Thing.ThingName}/*',
    ]);
  });

  test('the shadow template grants only the thing’s own shadow topics', () => {
    const text = renderTemplate(findTemplate('thing-shadow')!, CTX);
    assert.match(text, /topic\/\$aws\/things\/\$\{iot:Connection\.Thing\.ThingName\}\/shadow\/\*/);
  });

  test('parameters fill in the telemetry prefix and the Basic Ingest rule', () => {
    const telemetry = renderTemplate(findTemplate('telemetry')!, CTX, { prefix: ' dt/plant-7 ' });
    assert.match(telemetry, /topic\/dt\/plant-7\/\$\{iot:Connection\.Thing\.ThingName\}\/\*/);
    const ingest = renderTemplate(findTemplate('basic-ingest')!, CTX, { rule: 'store_readings' });
    assert.match(ingest, /topic\/\$aws\/rules\/store_readings\/\*/);
    // A missing parameter takes its default.
    assert.match(renderTemplate(findTemplate('telemetry')!, CTX, {}), /topic\/telemetry\//);
    assert.deepEqual(defaultParams(findTemplate('basic-ingest')!), { rule: 'device_data' });
  });

  test('bad parameters are refused in plain words', () => {
    const telemetry = findTemplate('telemetry')!;
    assert.deepEqual(validateParams(telemetry, { prefix: 'telemetry' }), {});
    assert.match(validateParams(telemetry, { prefix: 'a/#' }).prefix!, /Wildcards/);
    assert.match(validateParams(telemetry, { prefix: '$aws/x' }).prefix!, /reserved/);
    assert.match(validateParams(telemetry, { prefix: '' }).prefix!, /Enter a topic prefix/);
    assert.match(validateParams(findTemplate('basic-ingest')!, { rule: 'my-rule' }).rule!, /underscores/);
  });

  test('the account id comes from any ARN; without one the account position is a wildcard', () => {
    assert.equal(accountIdFromArn('arn:aws:iot:us-east-1:123456789012:policy/p'), '123456789012');
    assert.equal(accountIdFromArn('arn:aws:iot:us-east-1::policy/p'), undefined);
    assert.equal(accountIdFromArn(undefined), undefined);
    assert.deepEqual(templateContext('us-east-1', undefined), { region: 'us-east-1', accountId: '*' });
    assert.deepEqual(templateContext('nonsense', '123456789012'), { region: '*', accountId: '123456789012' });
    const text = renderTemplate(findTemplate('thing-scoped')!, templateContext('us-east-1', undefined));
    assert.match(text, /arn:aws:iot:us-east-1:\*:client\//);
    assert.ok(parsePolicyDocument(text).ok);
  });
});
