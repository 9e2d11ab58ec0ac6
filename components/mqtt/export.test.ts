import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { csvCell, parseCsv } from '@/lib/csv/csv';

import { messagesToCsv, messagesToJson } from './export';
import type { ShownMessage } from './messages';

const base: ShownMessage = {
  key: 1,
  topic: 'dev/1/sensors',
  qos: 1,
  retain: true,
  payload: '{"t":21.5,"note":"a, \\"quoted\\" value"}',
  encoding: 'utf8',
  receivedAt: Date.UTC(2024, 0, 2, 3, 4, 5, 678),
  subscription: '#',
};

describe('export', () => {
  it('JSON lists the messages with ISO times, in the order given', () => {
    const out = JSON.parse(messagesToJson([base, { ...base, key: 2, topic: 'b', retain: false }])) as unknown[];
    assert.deepEqual(out, [
      {
        receivedAt: '2024-01-02T03:04:05.678Z',
        topic: 'dev/1/sensors',
        qos: 1,
        retain: true,
        encoding: 'utf8',
        payload: base.payload,
      },
      {
        receivedAt: '2024-01-02T03:04:05.678Z',
        topic: 'b',
        qos: 1,
        retain: false,
        encoding: 'utf8',
        payload: base.payload,
      },
    ]);
  });

  it('CSV quotes commas, quotes, line breaks and edge spaces, and reads back the same', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    assert.equal(csvCell(' padded'), '" padded"');
    const tricky = { ...base, key: 2, payload: 'line1\r\nline2, "x"\n' };
    const csv = messagesToCsv([base, tricky]);
    assert.ok(csv.startsWith('receivedAt,topic,qos,retain,encoding,payload\r\n'));
    assert.deepEqual(
      parseCsv(csv).map((r) => r.fields),
      [
        ['receivedAt', 'topic', 'qos', 'retain', 'encoding', 'payload'],
        ['2024-01-02T03:04:05.678Z', 'dev/1/sensors', '1', 'true', 'utf8', base.payload],
        ['2024-01-02T03:04:05.678Z', 'dev/1/sensors', '1', 'true', 'utf8', tricky.payload],
      ],
    );
  });

  it('CSV neutralises cells a spreadsheet would run as formulas', () => {
    for (const formula of [
      '=HYPERLINK("http://evil","x")',
      "-2+3+cmd|' /C calc'!A0",
      '+1',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
    ]) {
      const [, row] = parseCsv(messagesToCsv([{ ...base, payload: formula }])).map((r) => r.fields);
      assert.equal(row?.[5], `'${formula}`, JSON.stringify(formula));
    }
    assert.equal(csvCell('21.5'), '21.5');
    assert.equal(csvCell('a=b'), 'a=b');
  });

  it('an empty export still has the header', () => {
    assert.deepEqual(
      parseCsv(messagesToCsv([])).map((r) => r.fields),
      [['receivedAt', 'topic', 'qos', 'retain', 'encoding', 'payload']],
    );
    assert.deepEqual(JSON.parse(messagesToJson([])), []);
  });
});
