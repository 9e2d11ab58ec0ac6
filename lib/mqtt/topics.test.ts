import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clientIdProblem, isPublishableReservedTopic, topicFilterProblem, topicNameProblem } from './topics';

describe('broker limits (AWS IoT Core)', () => {
  test('topic names: 8 levels, 256 bytes, no wildcards; the $aws/rules prefix does not count', () => {
    assert.equal(topicNameProblem('a/b/c/d/e/f/g/h'), undefined);
    assert.match(topicNameProblem('a/b/c/d/e/f/g/h/i')!, /levels/);
    assert.equal(topicNameProblem('$aws/rules/myRule/a/b/c/d/e/f/g/h'), undefined);
    assert.match(topicNameProblem('x'.repeat(257))!, /256 bytes/);
    assert.equal(topicNameProblem('é'.repeat(128)), undefined);
    assert.match(topicNameProblem('é'.repeat(129))!, /256 bytes/);
    assert.match(topicNameProblem('a/+/b')!, /wildcards/);
    assert.match(topicNameProblem('a/#')!, /wildcards/);
    assert.match(topicNameProblem('')!, /empty/);
  });

  test('topic filters: + and # only as whole levels, # last', () => {
    assert.equal(topicFilterProblem('a/+/c'), undefined);
    assert.equal(topicFilterProblem('a/#'), undefined);
    assert.equal(topicFilterProblem('#'), undefined);
    assert.match(topicFilterProblem('a/#/c')!, /last/);
    assert.match(topicFilterProblem('a/b#')!, /whole level/);
    assert.match(topicFilterProblem('a/b+')!, /whole level/);
    assert.match(topicFilterProblem('1/2/3/4/5/6/7/8/9')!, /levels/);
  });

  test('client ids: at most 128 bytes and never starting with $', () => {
    assert.equal(clientIdProblem('thing-1'), undefined);
    assert.match(clientIdProblem('$aws')!, /\$/);
    assert.match(clientIdProblem('x'.repeat(129))!, /128/);
    assert.match(clientIdProblem('')!, /empty/);
  });

  test('devices may publish to shadow, jobs and rules topics but not to the rest of $aws', () => {
    assert.ok(isPublishableReservedTopic('$aws/things/t1/shadow/update'));
    assert.ok(isPublishableReservedTopic('$aws/things/t1/shadow/name/cfg/get'));
    assert.ok(isPublishableReservedTopic('$aws/rules/ingest/data'));
    assert.ok(!isPublishableReservedTopic('$aws/things/t1/shadow/update/accepted'));
    assert.ok(!isPublishableReservedTopic('$aws/events/presence/connected/t1'));
    // A shadow request for a name AWS does not allow is answered by nothing: refused like the rest.
    assert.ok(!isPublishableReservedTopic('$aws/things/has space/shadow/update'));
    assert.ok(!isPublishableReservedTopic('$aws/things/t1/shadow/name/bad name/get'));
    assert.ok(isPublishableReservedTopic('plain/topic'));
    assert.ok(isPublishableReservedTopic('$aws/certificates/create/json'));
    assert.ok(isPublishableReservedTopic('$aws/certificates/create-from-csr/cbor'));
    assert.ok(isPublishableReservedTopic('$aws/provisioning-templates/fleet/provision/json'));
    assert.ok(!isPublishableReservedTopic('$aws/certificates/create/json/accepted'));
    assert.ok(!isPublishableReservedTopic('$aws/provisioning-templates/fleet/provision/cbor/rejected'));
    assert.ok(!isPublishableReservedTopic('$aws/certificates/create/xml'));
  });
});
