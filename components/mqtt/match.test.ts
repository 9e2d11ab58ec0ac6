import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { firstMatch, topicMatches } from './match';

describe('MQTT topic filter matching', () => {
  it('an exact filter matches only the same topic', () => {
    assert.equal(topicMatches('a/b', 'a/b'), true);
    assert.equal(topicMatches('a/b', 'a/b/c'), false);
    assert.equal(topicMatches('a/b', 'a'), false);
    assert.equal(topicMatches('a/b', 'A/b'), false);
  });

  it('+ matches exactly one level, an empty one included', () => {
    assert.equal(topicMatches('a/+/c', 'a/b/c'), true);
    assert.equal(topicMatches('a/+/c', 'a//c'), true);
    assert.equal(topicMatches('a/+/c', 'a/b/d'), false);
    assert.equal(topicMatches('a/+', 'a/b/c'), false);
    assert.equal(topicMatches('a/+', 'a'), false);
    assert.equal(topicMatches('+', 'a'), true);
    assert.equal(topicMatches('+/+', '/a'), true);
    assert.equal(topicMatches('$aws/events/presence/+/+', '$aws/events/presence/connected/dev-1'), true);
  });

  it('# matches the parent level and everything below it', () => {
    assert.equal(topicMatches('a/#', 'a'), true);
    assert.equal(topicMatches('a/#', 'a/b'), true);
    assert.equal(topicMatches('a/#', 'a/b/c/d'), true);
    assert.equal(topicMatches('a/#', 'b/a'), false);
    assert.equal(topicMatches('#', 'anything/at/all'), true);
    assert.equal(topicMatches('a/+/#', 'a/b'), true);
    assert.equal(topicMatches('a/+/#', 'a'), false);
    assert.equal(topicMatches('$aws/things/t1/shadow/#', '$aws/things/t1/shadow/update/accepted'), true);
    assert.equal(topicMatches('$aws/things/t1/shadow/#', '$aws/things/t2/shadow/update/accepted'), false);
  });

  it('a filter starting with a wildcard does not match $ topics', () => {
    assert.equal(topicMatches('#', '$aws/things/t/shadow/get'), false);
    assert.equal(topicMatches('+/things/#', '$aws/things/t'), false);
    assert.equal(topicMatches('$aws/#', '$aws/things/t'), true);
  });

  it('firstMatch returns the first filter in order', () => {
    assert.equal(firstMatch(['x/#', 'a/+', 'a/#'], 'a/b'), 'a/+');
    assert.equal(firstMatch(['x/#'], 'a/b'), undefined);
  });
});
