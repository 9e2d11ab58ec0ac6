import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { appendBounded, prettyPayload, searchPredicate, updateView, type ShownMessage, type View } from './messages';

let nextKey = 1;
const msg = (topic: string, payload: string): ShownMessage => ({
  key: nextKey++,
  topic,
  qos: 0,
  retain: false,
  payload,
  encoding: 'utf8',
  receivedAt: 0,
  subscription: '#',
});

describe('the bounded message buffer', () => {
  it('keeps the newest `max` and drops the oldest', () => {
    const a = [1, 2, 3];
    assert.deepEqual(appendBounded(a, [4, 5], 4), [2, 3, 4, 5]);
    assert.deepEqual(appendBounded(a, [4], 10), [1, 2, 3, 4]);
    assert.deepEqual(appendBounded(a, [4, 5, 6, 7, 8], 4), [5, 6, 7, 8]);
    assert.deepEqual(a, [1, 2, 3], 'the input is untouched');
  });
});

describe('the search', () => {
  it('matches topic or payload text, case-insensitively, with regex characters taken literally', () => {
    const p = searchPredicate('TEMP')!;
    assert.equal(p(msg('a/temp', '{}')), true);
    assert.equal(p(msg('a/b', '{"Temp":1}')), true);
    assert.equal(p(msg('a/b', '{}')), false);
    assert.equal(searchPredicate('a+b')!(msg('x', 'a+b')), true);
    assert.equal(searchPredicate('a+b')!(msg('x', 'aab')), false);
    assert.equal(searchPredicate('   '), null);
  });

  it('a view updated message by message equals filtering the whole buffer', () => {
    let source: ShownMessage[] = [];
    let view: View | undefined;
    for (let round = 0; round < 50; round++) {
      const added = Array.from({ length: 7 }, (_, i) => msg(`t/${round % 3}`, `{"n":${round * 7 + i}}`));
      source = appendBounded(source, added, 40);
      view = updateView(view, source, 't/1');
      assert.deepEqual(
        view.result.map((m) => m.key),
        source.filter((m) => m.topic.includes('t/1')).map((m) => m.key),
      );
    }
    // A new query starts over; a blank one shows everything.
    view = updateView(view, source, '"n":3');
    assert.deepEqual(
      view.result,
      source.filter((m) => m.payload.includes('"n":3')),
    );
    assert.equal(updateView(view, source, '').result, source);
    // Cleared, then new messages.
    source = appendBounded([], [msg('t/1', 'x')], 40);
    view = updateView(updateView(view, [], 't/1'), source, 't/1');
    assert.deepEqual(view.result, source);
  });
});

describe('payload display', () => {
  it('pretty-prints JSON objects and arrays and leaves other text alone', () => {
    assert.deepEqual(prettyPayload({ payload: '{"a":1,"b":[1,2]}', encoding: 'utf8' }), {
      text: '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}',
      json: true,
    });
    assert.deepEqual(prettyPayload({ payload: '{not json', encoding: 'utf8' }), { text: '{not json', json: false });
    assert.deepEqual(prettyPayload({ payload: '42', encoding: 'utf8' }), { text: '42', json: false });
    assert.deepEqual(prettyPayload({ payload: 'AAE=', encoding: 'base64' }), { text: 'AAE=', json: false });
  });
});
