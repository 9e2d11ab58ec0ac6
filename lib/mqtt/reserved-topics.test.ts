import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  certificateRegisteredTopic,
  createCertificateFromCsrTopic,
  createKeysAndCertificateTopic,
  fleetProvisioningTopic,
  fleetProvisioningTopicPatterns,
  parseFleetProvisioningTopic,
  registerThingTopic,
  PRESENCE_FILTER,
  parsePresenceTopic,
  parseShadowTopic,
  presenceTopic,
  type ShadowTopic,
  shadowTopic,
  shadowTopicPrefix,
  subscriptionEventTopic,
  thingShadowFilter,
} from './reserved-topics';
import { topicMatches } from './topic-filter';

describe('shadow topic grammar', () => {
  test('names the classic and named prefixes', () => {
    assert.equal(shadowTopicPrefix('t1'), '$aws/things/t1/shadow');
    assert.equal(shadowTopicPrefix('t1', ''), '$aws/things/t1/shadow');
    assert.equal(shadowTopicPrefix('t1', 'cfg'), '$aws/things/t1/shadow/name/cfg');
  });

  test('parses classic and named topics', () => {
    assert.deepEqual(parseShadowTopic('$aws/things/t1/shadow/update/documents'), {
      thingName: 't1',
      operation: 'update',
      kind: 'documents',
    });
    assert.deepEqual(parseShadowTopic('$aws/things/t1/shadow/name/cfg/delete/accepted'), {
      thingName: 't1',
      shadowName: 'cfg',
      operation: 'delete',
      kind: 'accepted',
    });
    assert.equal(parseShadowTopic('$aws/things/t1/shadow/get/delta'), undefined);
    assert.equal(parseShadowTopic('t1/sensors'), undefined);
  });

  // Every topic the grammar builds reads back as what it was built from.
  const built: [string, ShadowTopic][] = [
    ['$aws/things/t1/shadow/get', { thingName: 't1', operation: 'get', kind: 'request' }],
    ['$aws/things/t1/shadow/update', { thingName: 't1', operation: 'update', kind: 'request' }],
    ['$aws/things/t1/shadow/delete', { thingName: 't1', operation: 'delete', kind: 'request' }],
    ['$aws/things/t1/shadow/get/accepted', { thingName: 't1', operation: 'get', kind: 'accepted' }],
    ['$aws/things/t1/shadow/get/rejected', { thingName: 't1', operation: 'get', kind: 'rejected' }],
    ['$aws/things/t1/shadow/update/delta', { thingName: 't1', operation: 'update', kind: 'delta' }],
    ['$aws/things/t1/shadow/update/documents', { thingName: 't1', operation: 'update', kind: 'documents' }],
    [
      '$aws/things/t1/shadow/name/cfg/update/delta',
      { thingName: 't1', shadowName: 'cfg', operation: 'update', kind: 'delta' },
    ],
    [
      '$aws/things/t-1:x_y/shadow/name/$v:1_a-b/delete/rejected',
      { thingName: 't-1:x_y', shadowName: '$v:1_a-b', operation: 'delete', kind: 'rejected' },
    ],
    // A named shadow may itself be called "name".
    ['$aws/things/t1/shadow/name/name/get', { thingName: 't1', shadowName: 'name', operation: 'get', kind: 'request' }],
  ];
  for (const [topic, parts] of built) {
    test(`${topic} builds and parses`, () => {
      assert.equal(shadowTopic(parts.thingName, parts.shadowName, parts.operation, parts.kind), topic);
      assert.deepEqual(parseShadowTopic(topic), parts);
    });
  }

  const notShadow = [
    '$aws/things/t1/shadow',
    '$aws/things/t1/shadow/',
    '$aws/things/t1/shadow/list',
    '$aws/things/t1/shadow/get/delta',
    '$aws/things/t1/shadow/delete/documents',
    '$aws/things/t1/shadow/update/accepted/extra',
    '$aws/things/t1/shadow/name/get',
    '$aws/things/t1/shadow/name//get',
    '$aws/things//shadow/get',
    '$aws/things/t1/jobs/get',
    '$aws/events/presence/connected/t1',
    'aws/things/t1/shadow/get',
    '',
  ];
  for (const topic of notShadow) {
    test(`not a shadow topic: ${JSON.stringify(topic)}`, () => assert.equal(parseShadowTopic(topic), undefined));
  }

  test("a thing's shadow filter matches its classic and named shadow topics and no other thing's", () => {
    const filter = thingShadowFilter('t1');
    assert.ok(topicMatches(filter, shadowTopic('t1', undefined, 'update', 'accepted')));
    assert.ok(topicMatches(filter, shadowTopic('t1', 'cfg', 'get')));
    assert.ok(!topicMatches(filter, shadowTopic('t2', undefined, 'update')));
  });
});

describe('lifecycle event topics', () => {
  test('presence topics build, parse and match the presence filter', () => {
    const topic = presenceTopic('connected', 'dev-1');
    assert.equal(topic, '$aws/events/presence/connected/dev-1');
    assert.deepEqual(parsePresenceTopic(topic), { eventType: 'connected', clientId: 'dev-1' });
    assert.ok(topicMatches(PRESENCE_FILTER, topic));
    assert.ok(topicMatches(PRESENCE_FILTER, presenceTopic('disconnected', 'x')));
  });

  test('a client id is everything after the event type', () => {
    assert.deepEqual(parsePresenceTopic('$aws/events/presence/disconnected/a/b'), {
      eventType: 'disconnected',
      clientId: 'a/b',
    });
    assert.equal(parsePresenceTopic('$aws/events/presence/connected/'), undefined);
    assert.equal(parsePresenceTopic('$aws/events/presence/left/dev-1'), undefined);
    assert.equal(parsePresenceTopic('$aws/events/subscriptions/subscribed/dev-1'), undefined);
  });

  test('subscription and certificate events', () => {
    assert.equal(subscriptionEventTopic('subscribed', 'dev-1'), '$aws/events/subscriptions/subscribed/dev-1');
    assert.equal(certificateRegisteredTopic('abc'), '$aws/events/certificates/registered/abc');
  });
});

describe('fleet provisioning topics', () => {
  test('build the three operations and their answers in both formats', () => {
    assert.equal(createKeysAndCertificateTopic('json'), '$aws/certificates/create/json');
    assert.equal(createKeysAndCertificateTopic('cbor', 'accepted'), '$aws/certificates/create/cbor/accepted');
    assert.equal(createCertificateFromCsrTopic('json', 'rejected'), '$aws/certificates/create-from-csr/json/rejected');
    assert.equal(registerThingTopic('fleet', 'cbor'), '$aws/provisioning-templates/fleet/provision/cbor');
    assert.equal(
      fleetProvisioningTopic({ operation: 'RegisterThing', templateName: 't', format: 'json', kind: 'accepted' }),
      '$aws/provisioning-templates/t/provision/json/accepted',
    );
  });

  test('parse back what they build', () => {
    for (const format of ['json', 'cbor'] as const) {
      for (const kind of ['request', 'accepted', 'rejected'] as const) {
        assert.deepEqual(parseFleetProvisioningTopic(createKeysAndCertificateTopic(format, kind)), {
          operation: 'CreateKeysAndCertificate',
          format,
          kind,
        });
        assert.deepEqual(parseFleetProvisioningTopic(createCertificateFromCsrTopic(format, kind)), {
          operation: 'CreateCertificateFromCsr',
          format,
          kind,
        });
        assert.deepEqual(parseFleetProvisioningTopic(registerThingTopic('my_template-1', format, kind)), {
          operation: 'RegisterThing',
          templateName: 'my_template-1',
          format,
          kind,
        });
      }
    }
  });

  test('refuse other formats, suffixes and levels', () => {
    for (const topic of [
      '$aws/certificates/create/xml',
      '$aws/certificates/create',
      '$aws/certificates/create/json/accepted/x',
      '$aws/certificates/create/json/delta',
      '$aws/provisioning-templates//provision/json',
      '$aws/provisioning-templates/t/register/json',
      '$aws/things/t/shadow/update',
    ]) {
      assert.equal(parseFleetProvisioningTopic(topic), undefined, topic);
    }
  });

  test('a claim policy pattern covers every topic of its template and no other template', () => {
    const patterns = fleetProvisioningTopicPatterns('fleet');
    const covered = (topic: string) => patterns.some((p) => topic.startsWith(p.slice(0, -1)));
    assert.ok(covered(createKeysAndCertificateTopic('json', 'accepted')));
    assert.ok(covered(createCertificateFromCsrTopic('cbor')));
    assert.ok(covered(registerThingTopic('fleet', 'json', 'rejected')));
    assert.ok(!covered(registerThingTopic('other', 'json')));
  });
});
