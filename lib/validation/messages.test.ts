import assert from 'node:assert/strict';
import { test } from 'node:test';

import { AWS_NAME_RULES, awsName, awsNameProblem, optionalAwsName, type AwsNameField } from './messages';

test('every AWS name rule the forms check reads in plain words, never as a regular expression', () => {
  const samples: Record<AwsNameField, string> = {
    thingName: 'bad name!',
    thingTypeName: 'a type',
    thingGroupName: 'group/1',
    policyName: 'my policy/1',
    attributeName: 'room number',
    attributeValue: 'two words',
    shadowName: 'a/b',
    certificateId: 'abc',
  };
  for (const [field, value] of Object.entries(samples) as [AwsNameField, string][]) {
    const message = awsNameProblem(field, value);
    assert.ok(message, `${field} refuses ${JSON.stringify(value)}`);
    assert.doesNotMatch(message, /Member must|regular expression|pattern|\[a-z/i, field);
    assert.match(message, /^[A-Z].*\.$/, `${field}: one sentence`);
  }
});

test('the messages name the rule and what is wrong with this value', () => {
  assert.equal(
    awsNameProblem('thingName', 'sensor 1'),
    'A thing name can use letters, digits, and : _ - only (no spaces).',
  );
  assert.equal(
    awsNameProblem('thingName', 'bad name!'),
    'A thing name can use letters, digits, and : _ - only (not "!" or spaces).',
  );
  assert.equal(awsNameProblem('thingName', ''), 'Enter a thing name.');
  assert.equal(
    awsNameProblem('thingName', 'x'.repeat(129)),
    'A thing name is at most 128 characters (this one has 129).',
  );
  assert.equal(
    awsNameProblem('policyName', 'my policy/1'),
    'A policy name can use letters, digits, and _ + = , . @ - only (not "/" or spaces).',
  );
  assert.equal(
    awsNameProblem('shadowName', 'a/b'),
    'A shadow name can use letters, digits, and $ : _ - only (not "/").',
  );
  assert.equal(
    awsNameProblem('certificateId', 'abc'),
    'A certificate id is exactly 64 hexadecimal characters (0-9, a-f).',
  );
  assert.equal(
    awsNameProblem('attributeValue', '', { empty: 'Enter a value, or remove the row.' }),
    'Enter a value, or remove the row.',
  );
});

test('what AWS accepts is still AWS’s rule: the table only translates', () => {
  const valid: Record<AwsNameField, string> = {
    thingName: 'sensor:1_a-b',
    thingTypeName: 'type-1',
    thingGroupName: 'group_1',
    policyName: 'device-policy_v2@site.1+a=b,c',
    attributeName: 'site.a,b@c/d:e#f-g_h',
    attributeValue: 'v=[1]',
    shadowName: '$config',
    certificateId: 'a'.repeat(64),
  };
  for (const [field, value] of Object.entries(valid) as [AwsNameField, string][]) {
    assert.equal(awsNameProblem(field, value), undefined, field);
    assert.equal(AWS_NAME_RULES[field].schema.safeParse(value).success, true, field);
  }
});

test('as zod fields: trimmed, one plain issue, and blank optional names are left out', () => {
  assert.equal(awsName('thingName').parse('  lamp-1  '), 'lamp-1');
  const refused = awsName('thingName').safeParse('no spaces allowed');
  assert.deepEqual(
    refused.error?.issues.map((i) => i.message),
    ['A thing name can use letters, digits, and : _ - only (no spaces).'],
  );
  assert.equal(optionalAwsName('thingTypeName').parse('  '), undefined);
  assert.equal(optionalAwsName('thingTypeName').parse(' t1 '), 't1');
  assert.equal(optionalAwsName('thingTypeName').safeParse('a b').success, false);
});
