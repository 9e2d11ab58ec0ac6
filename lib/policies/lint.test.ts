import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { actionMatches, lintPolicyDocument, type LintRule } from './lint';

const ARN = 'arn:aws:iot:us-east-1:123456789012';
const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (Action: string | string[], Resource: string | string[]) => ({ Effect: 'Allow', Action, Resource });
const rules = (text: string): LintRule[] => lintPolicyDocument(text).map((w) => w.rule);

const THING_SCOPED = doc(
  allow('iot:Connect', `${ARN}:client/\${iot:Connection.Thing.ThingName}`),
  allow(['iot:Publish', 'iot:Receive'], `${ARN}:topic/\${iot:Connection.Thing.ThingName}/*`),
  allow('iot:Subscribe', `${ARN}:topicfilter/\${iot:Connection.Thing.ThingName}/*`),
);

describe('policy linter', () => {
  test('a thing-scoped least-privilege policy has no warnings', () => {
    assert.deepEqual(lintPolicyDocument(THING_SCOPED), []);
  });

  test('a document AWS would refuse has no lint warnings (its errors come first)', () => {
    assert.deepEqual(lintPolicyDocument('{"Statement": [{"Action": "iot:*", "Resource": "*"}]}'), []);
    assert.deepEqual(lintPolicyDocument('{not json'), []);
  });

  test('iot:* is every action', () => {
    const warnings = lintPolicyDocument(doc(allow('iot:*', `${ARN}:topic/a`)));
    const w = warnings.find((x) => x.rule === 'all-actions');
    assert.ok(w);
    assert.equal(w.path, 'Statement[0].Action');
    assert.match(w.message, /"iot:\*" allows every AWS IoT action/);
  });

  test('"*" as an action and NotAction are every action too', () => {
    assert.ok(rules(doc(allow('*', `${ARN}:topic/a`))).includes('all-actions'));
    const notAction = doc({ Effect: 'Allow', NotAction: 'iot:Connect', Resource: `${ARN}:topic/a` });
    assert.ok(rules(notAction).includes('all-actions'));
  });

  test('"*" and arn:...:* resources are every resource', () => {
    for (const resource of ['*', `${ARN}:*`]) {
      const warnings = lintPolicyDocument(doc(allow('iot:Publish', resource)));
      assert.ok(
        warnings.some((w) => w.rule === 'all-resources' && w.path === 'Statement[0].Resource'),
        resource,
      );
    }
  });

  test('iot:* on * without any Deny is full access; a Deny statement softens it', () => {
    const open = doc(allow('iot:*', '*'));
    assert.ok(rules(open).includes('full-access-without-deny'));
    const denied = doc(allow('iot:*', '*'), { Effect: 'Deny', Action: 'iot:Publish', Resource: `${ARN}:topic/$aws/*` });
    assert.ok(!rules(denied).includes('full-access-without-deny'));
    assert.ok(rules(denied).includes('all-actions'));
  });

  test('Subscribe without Receive, and Receive without Subscribe', () => {
    const subOnly = doc(
      allow('iot:Connect', `${ARN}:client/\${iot:ClientId}`),
      allow('iot:Subscribe', `${ARN}:topicfilter/a/*`),
    );
    assert.deepEqual(rules(subOnly), ['subscribe-without-receive']);
    const recvOnly = doc(allow('iot:Receive', `${ARN}:topic/a/*`));
    assert.deepEqual(rules(recvOnly), ['receive-without-subscribe']);
    // A wildcard action that covers both is neither.
    assert.ok(!rules(doc(allow('iot:*', `${ARN}:topic/a`))).includes('subscribe-without-receive'));
  });

  test('Connect on a fixed or wildcard client id is not tied to the thing', () => {
    const fixed = lintPolicyDocument(doc(allow('iot:Connect', `${ARN}:client/sensor-1`)));
    assert.deepEqual(
      fixed.map((w) => [w.rule, w.path]),
      [['connect-not-thing-scoped', 'Statement[0].Resource[0]']],
    );
    assert.match(fixed[0]!.message, /that fixed client id/);

    const wild = lintPolicyDocument(doc(allow('iot:Connect', `${ARN}:client/*`)));
    assert.match(wild[0]!.message, /any client id/);

    assert.ok(rules(doc(allow('iot:Connect', '*'))).includes('connect-not-thing-scoped'));
    assert.deepEqual(rules(doc(allow('iot:Connect', `${ARN}:client/\${iot:ClientId}`))), []);
    // A Connect grant found through a wildcard action is checked too.
    assert.ok(rules(doc(allow('iot:Conn*', `${ARN}:client/sensor-*`))).includes('connect-not-thing-scoped'));
  });

  test('Connect rules look only at client resources', () => {
    assert.ok(!rules(doc(allow('iot:*', `${ARN}:topic/a`))).includes('connect-not-thing-scoped'));
  });

  test('Publish to every topic, and to a # topic', () => {
    const star = lintPolicyDocument(doc(allow('iot:Publish', `${ARN}:topic/*`)));
    assert.deepEqual(
      star.map((w) => w.rule),
      ['broad-publish'],
    );
    assert.match(star[0]!.message, /every topic/);

    const hash = lintPolicyDocument(doc(allow('iot:Publish', `${ARN}:topic/#`)));
    assert.deepEqual(
      hash.map((w) => w.rule),
      ['broad-publish'],
    );
    assert.match(hash[0]!.message, /ordinary character/);

    assert.ok(rules(doc(allow('iot:Publish', '*'))).includes('broad-publish'));
    assert.deepEqual(rules(doc(allow('iot:Publish', `${ARN}:topic/sensors/*`))), []);
  });

  test('MQTT wildcards inside a topic resource are literal', () => {
    const w = lintPolicyDocument(doc(allow('iot:Publish', `${ARN}:topic/sensors/+/data`)));
    assert.deepEqual(
      w.map((x) => x.rule),
      ['mqtt-wildcard-literal'],
    );
    // ...but they are exactly right in a topicfilter resource.
    assert.deepEqual(
      rules(
        doc(allow('iot:Subscribe', `${ARN}:topicfilter/sensors/#`), allow('iot:Receive', `${ARN}:topic/sensors/*`)),
      ),
      [],
    );
  });

  test('Deny statements are never linted', () => {
    assert.deepEqual(
      rules(
        doc(allow('iot:Connect', `${ARN}:client/\${iot:ClientId}`), { Effect: 'Deny', Action: 'iot:*', Resource: '*' }),
      ),
      [],
    );
  });

  test('a single (non-array) Statement gets paths without an index', () => {
    const text = JSON.stringify({ Version: '2012-10-17', Statement: allow('iot:*', `${ARN}:topic/a`) });
    assert.equal(lintPolicyDocument(text)[0]!.path, 'Statement.Action');
  });

  test('action patterns are case-insensitive globs', () => {
    assert.ok(actionMatches('IOT:publish', 'iot:Publish'));
    assert.ok(actionMatches('iot:Pub*', 'iot:Publish'));
    assert.ok(actionMatches('iot:?onnect', 'iot:Connect'));
    assert.ok(!actionMatches('iot:Pub', 'iot:Publish'));
  });
});
