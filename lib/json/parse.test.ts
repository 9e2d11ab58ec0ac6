import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { formatJson, lineColumn, parseJson } from './parse';

function error(text: string) {
  const r = parseJson(text);
  assert.ok(!r.ok, `expected an error for ${text}`);
  return r;
}

describe('parseJson', () => {
  test('valid documents parse to the same value as JSON.parse', () => {
    for (const text of ['{}', '[]', '{"a":[1,-2.5e3,true,false,null,"x\\n\\u00e9"]}', ' "s" ', '0', '{"a":{"b":{}}}']) {
      const r = parseJson(text);
      assert.ok(r.ok, text);
      assert.deepEqual(r.value, JSON.parse(text));
    }
  });

  test('a missing comma names its line and column', () => {
    const r = error('{\n  "a": 1\n  "b": 2\n}');
    assert.equal(r.line, 3);
    assert.equal(r.column, 3);
    assert.match(r.message, /Expected ',' or '}' after a property value.*comma is probably missing/);
  });

  test('trailing commas, single quotes and bare words are explained', () => {
    assert.match(error('{"a": 1,}').message, /Trailing comma/);
    assert.match(error('[1, 2,]').message, /Trailing comma/);
    assert.match(error("{'a': 1}").message, /double quotes/);
    assert.match(error('{"Effect": Allow}').message, /Unexpected word 'Allow'/);
  });

  test('an unfinished document says what is missing', () => {
    assert.match(error('{"a": [1, 2').message, /a \] is missing/);
    assert.match(error('{"a": 1').message, /a \} is missing/);
    assert.match(error('{"a": "x').message, /never closed/);
    assert.match(error('').message, /empty/);
    assert.match(error('   ').message, /empty/);
  });

  test('text after the document is refused', () => {
    const r = error('{} x');
    assert.equal(r.column, 4);
    assert.match(r.message, /after the end/);
  });

  test('bad escapes and raw line breaks in strings', () => {
    assert.match(error('"\\x"').message, /Invalid escape/);
    assert.match(error('"\\u12"').message, /four hexadecimal/);
    assert.match(error('{"a": "one\ntwo"}').message, /cannot span lines/);
  });

  test('lineColumn counts from 1', () => {
    assert.deepEqual(lineColumn('ab\ncd', 0), { line: 1, column: 1 });
    assert.deepEqual(lineColumn('ab\ncd', 4), { line: 2, column: 2 });
  });

  test('formatJson pretty-prints valid JSON only', () => {
    assert.equal(formatJson('{"a":[1]}'), '{\n  "a": [\n    1\n  ]\n}');
    assert.equal(formatJson('{"a":'), undefined);
  });
});
