import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { diffLines, prettyPolicyDocument, splitLines, summarizeDiff } from './diff';

const kinds = (before: string, after: string) => diffLines(before, after).map((l) => `${l.kind[0]}:${l.text}`);

describe('diffLines', () => {
  test('identical texts are all unchanged lines, numbered on both sides', () => {
    const lines = diffLines('a\nb\nc', 'a\nb\nc');
    assert.deepEqual(
      lines.map((l) => [l.kind, l.oldLine, l.newLine]),
      [
        ['same', 1, 1],
        ['same', 2, 2],
        ['same', 3, 3],
      ],
    );
  });

  test('a changed line is a removal followed by an addition', () => {
    assert.deepEqual(kinds('a\nb\nc', 'a\nB\nc'), ['s:a', 'r:b', 'a:B', 's:c']);
  });

  test('lines added at the end and removed at the start', () => {
    assert.deepEqual(kinds('x\na\nb', 'a\nb\nc'), ['r:x', 's:a', 's:b', 'a:c']);
  });

  test('an empty side makes everything added or removed', () => {
    assert.deepEqual(kinds('', 'a\nb'), ['a:a', 'a:b']);
    assert.deepEqual(kinds('a\nb', ''), ['r:a', 'r:b']);
    assert.deepEqual(diffLines('', ''), []);
  });

  test('line numbers follow each side independently', () => {
    const lines = diffLines('a\nb\nc', 'a\nx\ny\nc');
    assert.deepEqual(
      lines.map((l) => [l.kind, l.text, l.oldLine, l.newLine]),
      [
        ['same', 'a', 1, 1],
        ['removed', 'b', 2, undefined],
        ['added', 'x', undefined, 2],
        ['added', 'y', undefined, 3],
        ['same', 'c', 3, 4],
      ],
    );
  });

  test('keeps the longest common run of lines', () => {
    // LCS of ABCABBA and CBABAC has length 4; the diff must keep 4 lines unchanged.
    const before = 'A\nB\nC\nA\nB\nB\nA';
    const after = 'C\nB\nA\nB\nA\nC';
    const lines = diffLines(before, after);
    assert.equal(summarizeDiff(lines).unchanged, 4);
    // Replaying the diff gives back both texts.
    assert.equal(
      lines
        .filter((l) => l.kind !== 'added')
        .map((l) => l.text)
        .join('\n'),
      before,
    );
    assert.equal(
      lines
        .filter((l) => l.kind !== 'removed')
        .map((l) => l.text)
        .join('\n'),
      after,
    );
  });

  test('a trailing newline and CRLF line ends do not count as changes', () => {
    assert.deepEqual(kinds('a\r\nb\r\n', 'a\nb'), ['s:a', 's:b']);
    assert.deepEqual(splitLines('a\n'), ['a']);
  });

  test('two policy versions differing in one action', () => {
    const v1 = prettyPolicyDocument(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}',
    );
    const v2 = prettyPolicyDocument(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish","Resource":"*"}]}',
    );
    const changed = diffLines(v1, v2).filter((l) => l.kind !== 'same');
    assert.deepEqual(
      changed.map((l) => `${l.kind}:${l.text.trim()}`),
      ['removed:"Action": "iot:Connect",', 'added:"Action": "iot:Publish",'],
    );
    assert.deepEqual(summarizeDiff(diffLines(v1, v2)), { added: 1, removed: 1, unchanged: splitLines(v1).length - 1 });
  });
});

describe('prettyPolicyDocument', () => {
  test('normalises white space so formatting alone is no difference', () => {
    const compact = '{"a":1,"b":[1,2]}';
    const spaced = '{\n    "a" : 1,\n    "b" : [ 1, 2 ]\n}';
    assert.equal(prettyPolicyDocument(compact), prettyPolicyDocument(spaced));
  });

  test('returns a text that is not JSON unchanged', () => {
    assert.equal(prettyPolicyDocument('{nope'), '{nope');
  });
});
