import assert from 'node:assert/strict';
import { test } from 'node:test';

import { publishTopicFromPolicy } from './publish-topic';
import { POLICY_TEMPLATES, renderTemplate, templateContext } from './templates';

const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const arn = 'arn:aws:iot:eu-west-1:123456789012';
const THING = '${iot:Connection.Thing.ThingName}';

test('each template gives its devices a topic the template lets them publish to', () => {
  const expected: Record<string, string> = {
    'thing-scoped': 'lamp-1/telemetry',
    'thing-shadow': '$aws/things/lamp-1/shadow/update',
    telemetry: 'telemetry/lamp-1',
    'basic-ingest': '$aws/rules/device_data/telemetry',
    'microchip-sensors': 'lamp-1/sensors',
    'thin-edge': 'thinedge/lamp-1/td',
    'raspberry-pi-fleet': '$aws/rules/mydata/telemetry',
    'freertos-dev': 'lamp-1/telemetry',
    'sparkfun-datalogger': 'lamp-1/telemetry',
  };
  assert.deepEqual(Object.keys(expected).sort(), POLICY_TEMPLATES.map((t) => t.id).sort(), 'every template is listed');
  for (const t of POLICY_TEMPLATES) {
    const document = renderTemplate(t, templateContext('eu-west-1', undefined));
    assert.equal(publishTopicFromPolicy(document, 'lamp-1'), expected[t.id], t.id);
  }
  const prefixed = renderTemplate(
    POLICY_TEMPLATES.find((t) => t.id === 'telemetry')!,
    templateContext('eu-west-1', undefined),
    {
      prefix: 'dt/factory-1',
    },
  );
  assert.equal(publishTopicFromPolicy(prefixed, 'lamp-1'), 'dt/factory-1/lamp-1');
});

test('the first allowed topic in the document’s order, with the thing’s variables substituted', () => {
  const policy = doc(
    { Effect: 'Allow', Action: 'iot:Connect', Resource: `${arn}:client/${THING}` },
    { Effect: 'Allow', Action: ['iot:Subscribe'], Resource: `${arn}:topicfilter/cmd/${THING}` },
    {
      Effect: 'Allow',
      Action: ['iot:Receive', 'iot:Publish'],
      Resource: [`${arn}:topic/data/\${iot:ClientId}/up`, `${arn}:topic/other`],
    },
  );
  assert.equal(publishTopicFromPolicy(policy, 'pump-7'), 'data/pump-7/up');
  // Action wildcards count; actions ignore case.
  assert.equal(
    publishTopicFromPolicy(doc({ Effect: 'Allow', Action: 'iot:*', Resource: `${arn}:topic/a/b` }), 'x'),
    'a/b',
  );
  assert.equal(
    publishTopicFromPolicy(doc({ Effect: 'Allow', Action: 'IOT:PUB*', Resource: `${arn}:topic/a/c` }), 'x'),
    'a/c',
  );
});

test('a denied, unpublishable or conditional topic is skipped for the next one', () => {
  const denied = doc(
    { Effect: 'Allow', Action: 'iot:Publish', Resource: [`${arn}:topic/${THING}/*`, `${arn}:topic/fallback`] },
    { Effect: 'Deny', Action: 'iot:Publish', Resource: `${arn}:topic/${THING}/tele*` },
  );
  assert.equal(publishTopicFromPolicy(denied, 'lamp-1'), 'fallback');
  const reserved = doc({
    Effect: 'Allow',
    Action: 'iot:Publish',
    Resource: [`${arn}:topic/$aws/events/presence/*`, `${arn}:topic/${THING}/status`],
  });
  assert.equal(publishTopicFromPolicy(reserved, 'lamp-1'), 'lamp-1/status');
  const conditional = doc(
    {
      Effect: 'Allow',
      Action: 'iot:Publish',
      Resource: `${arn}:topic/only/sometimes`,
      Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
    },
    { Effect: 'Allow', Action: 'iot:Publish', Resource: `${arn}:topic/always` },
  );
  assert.equal(publishTopicFromPolicy(conditional, 'lamp-1'), 'always');
});

test('a policy that allows no publishing (or is not JSON) gives no topic', () => {
  assert.equal(publishTopicFromPolicy(doc({ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }), 'x'), undefined);
  assert.equal(
    publishTopicFromPolicy(
      doc({ Effect: 'Allow', Action: 'iot:Publish', Resource: `${arn}:topic/\${iot:Certificate.Subject.CommonName}` }),
      'x',
    ),
    undefined,
  );
  assert.equal(publishTopicFromPolicy('{', 'x'), undefined);
});
