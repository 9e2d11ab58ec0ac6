import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { addEntries, toActivityEntry, type ActivityEntry } from './activity';
import { checkDesiredText, desiredPatch, shadowName } from './desired';
import { diffStates } from './diff';
import { flattenShadow, formatPath } from './flatten';
import { fieldSync } from './view';
import { latestTimestamp } from './json';
import { formatAbsolute, formatRelative } from '../format/relative-time';

describe('flattenShadow', () => {
  test('puts desired, reported and delta of a field on one row with each side’s timestamp', () => {
    const rows = flattenShadow(
      {
        desired: { led: 'on', lights: { color: 'red' } },
        reported: { led: 'off', temp: 21, lights: { color: 'red' } },
        delta: { led: 'on' },
      },
      {
        desired: { led: { timestamp: 100 }, lights: { color: { timestamp: 90 } } },
        reported: { led: { timestamp: 50 }, temp: { timestamp: 60 }, lights: { color: { timestamp: 95 } } },
      },
    );
    assert.deepEqual(
      rows.map((r) => r.path),
      ['led', 'lights.color', 'temp'],
    );
    const led = rows[0]!;
    assert.deepEqual(led.desired, { value: 'on', updatedAt: 100 });
    assert.deepEqual(led.reported, { value: 'off', updatedAt: 50 });
    assert.equal(led.delta, 'on');
    assert.equal(rows[1]!.delta, undefined);
    assert.equal(rows[2]!.desired, undefined);
    assert.deepEqual(rows[2]!.reported, { value: 21, updatedAt: 60 });
  });

  test('a field nobody asked a value for is "no desired value", not "in sync"', () => {
    const rows = flattenShadow(
      { desired: { led: 'on', mode: 'eco' }, reported: { led: 'off', mode: 'eco', temp: 21 }, delta: { led: 'on' } },
      {},
    );
    assert.deepEqual(
      rows.map((r) => [r.path, fieldSync(r)]),
      [
        ['led', 'pending'],
        ['mode', 'in-sync'],
        ['temp', 'no-desired'],
      ],
    );
    // Desired but never reported is pending too (AWS's delta holds it).
    assert.equal(fieldSync({ desired: { value: 1 }, delta: 1 }), 'pending');
  });

  test('an array is one field, stamped with its newest element', () => {
    const rows = flattenShadow(
      { reported: { list: [1, 2] } },
      { reported: { list: [{ timestamp: 5 }, { timestamp: 7 }] } },
    );
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0]!.reported, { value: [1, 2], updatedAt: 7 });
  });

  test('a key with dots is quoted in the path', () => {
    assert.equal(formatPath(['a', 'b.c']), 'a["b.c"]');
  });

  test('a member literally named "timestamp" is read as a field, not as a stamp', () => {
    assert.equal(latestTimestamp({ timestamp: { timestamp: 9 }, other: { timestamp: 3 } }), 9);
  });
});

describe('diffStates', () => {
  test('lists added, changed and removed fields of each section', () => {
    const changes = diffStates(
      { desired: { led: 'on' }, reported: { temp: 21, mode: 'eco' } },
      { desired: { led: 'on' }, reported: { temp: 22, fan: { speed: 2 } } },
    );
    assert.deepEqual(changes, [
      { section: 'reported', path: 'fan.speed', kind: 'added', after: 2 },
      { section: 'reported', path: 'mode', kind: 'removed', before: 'eco' },
      { section: 'reported', path: 'temp', kind: 'changed', before: 21, after: 22 },
    ]);
  });

  test('no previous document: every field is added', () => {
    assert.deepEqual(diffStates(undefined, { reported: { a: 1 } }), [
      { section: 'reported', path: 'a', kind: 'added', after: 1 },
    ]);
  });
});

describe('formatRelative', () => {
  test('seconds, minutes, hours, days', () => {
    const now = 1_000_000_000;
    assert.equal(formatRelative(now - 3_000, now), '3 s ago');
    assert.equal(formatRelative(now - 5 * 60_000, now), '5 min ago');
    assert.equal(formatRelative(now - 2 * 3_600_000, now), '2 h ago');
    assert.equal(formatRelative(now - 4 * 86_400_000, now), '4 d ago');
    assert.equal(formatRelative(now + 2_000, now), 'just now');
  });
  test('absolute time is locale-free UTC', () => {
    assert.equal(formatAbsolute(Date.UTC(2025, 2, 4, 13, 5, 9)), '2025-03-04 13:05:09 UTC');
  });
});

describe('checkDesiredText', () => {
  test('accepts a JSON object', () => {
    assert.deepEqual(checkDesiredText('{"led": "on"}'), { ok: true, desired: { led: 'on' } });
  });
  test('refuses invalid JSON with where and why', () => {
    const r = checkDesiredText('{"led": on}');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /^Line 1, column 9: /);
  });
  test('refuses a list, too deep a document, nulls in arrays and more than 8 KB', () => {
    assert.equal(checkDesiredText('[1]').ok, false);
    const deep = '{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}';
    const r = checkDesiredText(deep);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /7 levels deep; AWS IoT allows at most 6/);
    assert.equal(checkDesiredText('{"a":{"b":{"c":{"d":{"e":{"f":1}}}}}}').ok, true);
    assert.equal(checkDesiredText('{"a":[1,null]}').ok, false);
    const big = JSON.stringify({ blob: 'x'.repeat(8000) });
    assert.equal(checkDesiredText(big).ok, true);
    const r2 = checkDesiredText(big, { more: 'y'.repeat(300) });
    assert.match(!r2.ok ? r2.message : '', /8 KB/);
  });
});

describe('desiredPatch', () => {
  test('sends changed and new fields and nulls for removed ones', () => {
    assert.deepEqual(desiredPatch({ a: 1, b: 2, n: { x: 1, y: 2 } }, { a: 1, c: 3, n: { x: 5 } }), {
      b: null,
      c: 3,
      n: { y: null, x: 5 },
    });
  });
  test('arrays are replaced whole; nothing changed gives undefined', () => {
    assert.deepEqual(desiredPatch({ l: [1, 2] }, { l: [1] }), { l: [1] });
    assert.equal(desiredPatch({ l: [1, 2] }, { l: [1, 2] }), undefined);
  });
  test('an empty editor removes the whole desired section', () => {
    assert.equal(desiredPatch({ a: 1 }, {}), null);
    assert.equal(desiredPatch(undefined, {}), undefined);
  });
});

describe('shadow names', () => {
  test('names are 1-64 of [$a-zA-Z0-9:_-]', () => {
    assert.equal(shadowName.safeParse('config:v1_$a-b').success, true);
    assert.equal(shadowName.safeParse('').success, false);
    assert.equal(shadowName.safeParse('a/b').success, false);
    assert.equal(shadowName.safeParse('x'.repeat(65)).success, false);
  });
});

describe('activity entries', () => {
  const msg = (id: number, topic: string, payload: unknown) => ({
    id,
    topic,
    payload: JSON.stringify(payload),
    receivedAt: 1000 + id,
  });

  test('a documents message becomes a diff with versions', () => {
    const entry = toActivityEntry(
      msg(1, '$aws/things/t1/shadow/update/documents', {
        previous: { state: { reported: { temp: 21 } }, metadata: {}, version: 3 },
        current: { state: { reported: { temp: 22 } }, metadata: {}, version: 4 },
        timestamp: 1,
      }),
    )!;
    assert.equal(entry.kind, 'documents');
    assert.equal(entry.previousVersion, 3);
    assert.equal(entry.version, 4);
    assert.deepEqual(entry.changes, [{ section: 'reported', path: 'temp', kind: 'changed', before: 21, after: 22 }]);
  });

  test('delta, accepted and rejected; requests are not entries', () => {
    const delta = toActivityEntry(
      msg(2, '$aws/things/t1/shadow/name/cfg/update/delta', { state: { led: 'on' }, version: 5 }),
    )!;
    assert.equal(delta.shadowName, 'cfg');
    assert.deepEqual(delta.fields, [{ path: 'led', value: 'on' }]);
    const accepted = toActivityEntry(
      msg(3, '$aws/things/t1/shadow/update/accepted', { state: { desired: { led: null } }, version: 6 }),
    )!;
    assert.deepEqual(accepted.fields, [{ path: 'desired.led', value: null }]);
    const rejected = toActivityEntry(
      msg(4, '$aws/things/t1/shadow/update/rejected', { code: 409, message: 'Version conflict' }),
    )!;
    assert.deepEqual(rejected.error, { code: 409, message: 'Version conflict' });
    assert.equal(toActivityEntry(msg(5, '$aws/things/t1/shadow/update', { state: {} })), undefined);
    assert.equal(
      toActivityEntry({ id: 6, topic: '$aws/things/t1/shadow/update/accepted', payload: 'nope', receivedAt: 0 }),
      undefined,
    );
  });

  test('the list is newest first and bounded', () => {
    const make = (n: number) => ({ id: String(n) }) as ActivityEntry;
    let list: ActivityEntry[] = [];
    list = addEntries(list, [make(1), make(2)], 3);
    list = addEntries(list, [make(3), make(4)], 3);
    assert.deepEqual(
      list.map((e) => e.id),
      ['4', '3', '2'],
    );
  });
});
