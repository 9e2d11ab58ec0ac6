import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { filterShapeProblem, firstMatch, parseSharedFilter, topicMatches } from './topic-filter';

/** [filter, topic, matches] */
type Case = [string, string, boolean];

const table = (title: string, cases: Case[]) =>
  describe(title, () => {
    for (const [filter, topic, want] of cases) {
      it(`${JSON.stringify(filter)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(topic)}`, () =>
        assert.equal(topicMatches(filter, topic), want));
    }
  });

describe('MQTT topic filter matching', () => {
  table('an exact filter matches only the same topic', [
    ['a/b', 'a/b', true],
    ['a/b', 'a/b/c', false],
    ['a/b', 'a', false],
    ['a/b', 'A/b', false],
    ['a/b/', 'a/b', false],
    ['a/b/', 'a/b/', true],
    ['/a', '/a', true],
    ['/a', 'a', false],
  ]);

  table('+ matches exactly one level, an empty one included', [
    ['a/+/c', 'a/b/c', true],
    ['a/+/c', 'a//c', true],
    ['a/+/c', 'a/b/d', false],
    ['a/+', 'a/b/c', false],
    ['a/+', 'a', false],
    ['a/+', 'a/', true],
    ['+', 'a', true],
    ['+', '/a', false],
    ['+/+', '/a', true],
    ['+/+', 'a/', true],
    ['+/b/+', 'a/b/c', true],
    ['$aws/events/presence/+/+', '$aws/events/presence/connected/dev-1', true],
  ]);

  table('# matches the parent level and everything below it', [
    ['a/#', 'a', true],
    ['a/#', 'a/b', true],
    ['a/#', 'a/', true],
    ['a/#', 'a/b/c/d', true],
    ['a/#', 'b/a', false],
    ['a/#', 'ab', false],
    ['#', 'anything/at/all', true],
    ['#', '/', true],
    ['a/+/#', 'a/b', true],
    ['a/+/#', 'a', false],
    ['$aws/things/t1/shadow/#', '$aws/things/t1/shadow/update/accepted', true],
    ['$aws/things/t1/shadow/#', '$aws/things/t2/shadow/update/accepted', false],
  ]);

  table('a filter starting with a wildcard does not match $ topics', [
    ['#', '$aws/things/t/shadow/get', false],
    ['+/things/#', '$aws/things/t', false],
    ['+', '$SYS', false],
    ['$aws/#', '$aws/things/t', true],
    ['$aws/+/t', '$aws/things/t', true],
    ['a/#', 'a/$b', true],
  ]);

  table('an invalid filter matches nothing', [
    ['a/#/b', 'a/x/b', false],
    ['a/#/b', 'a/b', false],
    ['#/b', 'a/b', false],
    ['a/b#', 'a/b#', false],
    ['a/b+', 'a/b+', false],
    ['a/+b', 'a/xb', false],
    ['', '', false],
    ['', 'a', false],
  ]);

  table('an empty topic matches nothing', [
    ['#', '', false],
    ['+', '', false],
  ]);

  table('a shared subscription matches what its filter matches', [
    ['$share/group/a/+', 'a/b', true],
    ['$share/group/a/#', 'a', true],
    ['$share/group/a/+', 'a/b/c', false],
    ['$share/group/#', '$aws/things/t', false],
    ['$share/group/$aws/things/#', '$aws/things/t', true],
    ['$share/group/a', '$share/group/a', false],
    ['$share/+/a', 'a', false],
    ['$share//a', 'a', false],
    ['$share/group', 'group', false],
    ['$share/group/', '', false],
  ]);

  it('firstMatch returns the first filter in order', () => {
    assert.equal(firstMatch(['x/#', 'a/+', 'a/#'], 'a/b'), 'a/+');
    assert.equal(firstMatch(['x/#'], 'a/b'), undefined);
    assert.equal(firstMatch(['a/#/b', 'a/#'], 'a/x/b'), 'a/#');
  });
});

describe('MQTT topic filter shape', () => {
  const shapes: [string, RegExp | undefined][] = [
    ['a/+/c', undefined],
    ['a/#', undefined],
    ['#', undefined],
    ['+', undefined],
    ['a//b', undefined],
    ['/', undefined],
    ['$aws/things/+/shadow/#', undefined],
    ['$share/g/a/#', undefined],
    ['', /empty/],
    ['a/#/c', /last/],
    ['#/a', /last/],
    ['a/b#', /whole level/],
    ['a/##', /whole level/],
    ['a/b+', /whole level/],
    ['a/++', /whole level/],
    ['$share/g', /shared subscription/],
    ['$share//a', /shared subscription/],
    ['$share/g+/a', /shared subscription/],
    ['$share/g/a/#/b', /last/],
  ];
  for (const [filter, problem] of shapes) {
    it(`${JSON.stringify(filter)}: ${problem ?? 'valid'}`, () => {
      const got = filterShapeProblem(filter);
      if (problem) assert.match(got ?? '', problem);
      else assert.equal(got, undefined);
    });
  }

  it('a shared subscription names its group and filter', () => {
    assert.deepEqual(parseSharedFilter('$share/workers/jobs/+'), { shareName: 'workers', filter: 'jobs/+' });
    assert.equal(parseSharedFilter('jobs/+'), undefined);
  });
});
