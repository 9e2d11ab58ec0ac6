import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseCsv, toCsv } from '../../csv/csv';
import { generatedNames, rowsFromCsv, rowsFromGenerator } from './rows';

describe('CSV parsing', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM', () => {
    const text = '\ufeffname,attributes\r\n"a,b","x=""1"""\r\n"multi\nline",y=2\n\n';
    assert.deepEqual(parseCsv(text), [
      { line: 1, fields: ['name', 'attributes'] },
      { line: 2, fields: ['a,b', 'x="1"'] },
      { line: 3, fields: ['multi\nline', 'y=2'] },
    ]);
  });

  it('says where a quote is not closed', () => {
    assert.throws(() => parseCsv('name\n"open'), /Line 2: a quoted field is not closed/);
  });

  it('round-trips what it writes', () => {
    const rows = [
      ['thing_name', 'status'],
      ['a,b', 'said "hi"'],
      ['c', ''],
    ];
    assert.deepEqual(
      parseCsv(toCsv(rows)).map((r) => r.fields),
      rows,
    );
  });
});

describe('the device list and its checks', () => {
  it('reads name, attributes (k=v;k2=v2), type and group, in any column order', () => {
    const r = rowsFromCsv('group,name,type,attributes\ng1,sensor-1,t1,"room=12;floor=3"\n,sensor-2,,\n');
    assert.ok(r.ok);
    assert.deepEqual(r.rows[0], {
      line: 2,
      thingName: 'sensor-1',
      attributes: { room: '12', floor: '3' },
      thingTypeName: 't1',
      thingGroupName: 'g1',
      errors: [],
    });
    assert.deepEqual(r.rows[1]!.attributes, {});
  });

  it('flags bad names, repeats, bad attributes and more than 3 attributes without a type', () => {
    const r = rowsFromCsv(
      'name,attributes\nok-1,\nbad name!,\nok-1,\nok-2,a=1;b=2;c=3;d=4\nok-3,novalue\nok-4,"a=1;a=2"\nok-5,k=v v\n',
    );
    assert.ok(r.ok);
    const errs = Object.fromEntries(r.rows.map((row) => [row.line, row.errors.join(' | ')]));
    assert.equal(errs[2], '');
    assert.match(errs[3]!, /Name "bad name!"/);
    assert.match(errs[4]!, /already on line 2/);
    assert.match(errs[5]!, /4 attributes: without a thing type a thing holds at most 3/);
    assert.match(errs[6]!, /write it as name=value/);
    assert.match(errs[7]!, /given twice/);
    assert.match(errs[8]!, /Value of attribute "k"/);
  });

  it('refuses names the zip would see as one folder (case, or : versus _), naming both rows', () => {
    const r = rowsFromCsv('name\ncase-Dev-2\nok-1\ncase-dev-2\nsite:1\nsite_1\nCASE-DEV-2\n');
    assert.ok(r.ok);
    const errs = Object.fromEntries(r.rows.map((row) => [row.thingName, row.errors]));
    assert.deepEqual(errs['case-Dev-2'], []);
    assert.deepEqual(errs['ok-1'], []);
    assert.deepEqual(errs['site:1'], []);
    assert.deepEqual(errs['case-dev-2'], [
      'Line 4 (case-dev-2) and line 2 (case-Dev-2) differ only in upper and lower case, which Windows and macOS do not tell apart: their folders in the zip would collide. Rename one of them.',
    ]);
    assert.deepEqual(errs.site_1, [
      'Line 6 (site_1) and line 5 (site:1) become the same file name (":" is written as "_"): their folders in the zip would collide. Rename one of them.',
    ]);
    // Each later row names the first row of its folder.
    assert.match(errs['CASE-DEV-2']!.join(), /^Line 7 \(CASE-DEV-2\) and line 2 \(case-Dev-2\)/);
    // An exact repeat is reported as the repeat it is, once.
    const repeat = rowsFromCsv('name\na\na\n');
    assert.ok(repeat.ok);
    assert.deepEqual(repeat.rows[1]!.errors, ['The name a is already on line 2.']);
  });

  it('allows up to 50 attributes with a type', () => {
    const attrs = Array.from({ length: 4 }, (_, i) => `a${i}=v`).join(';');
    const r = rowsFromCsv(`name,attributes,type\nt-1,"${attrs}",sensor\n`);
    assert.ok(r.ok);
    assert.deepEqual(r.rows[0]!.errors, []);
  });

  it('refuses a CSV without a name header or with unknown columns, and empty ones', () => {
    assert.match((rowsFromCsv('thing,attributes\na,b\n') as { error: string }).error, /header with a "name" column/);
    assert.match((rowsFromCsv('name,colour\na,b\n') as { error: string }).error, /Unknown column "colour"/);
    assert.match((rowsFromCsv('') as { error: string }).error, /empty/);
    assert.match((rowsFromCsv('name\n') as { error: string }).error, /no devices/);
  });

  it('generates prefix + number names, zero-padded', () => {
    assert.deepEqual(generatedNames({ prefix: 'sensor-', count: 3, start: 9, digits: 3 }), [
      'sensor-009',
      'sensor-010',
      'sensor-011',
    ]);
    const r = rowsFromGenerator({
      prefix: 'dev-',
      count: 2,
      start: 1,
      digits: 0,
      attributes: 'site=lab',
      thingGroupName: 'g',
    });
    assert.ok(r.ok);
    assert.deepEqual(
      r.rows.map((x) => [x.thingName, x.attributes, x.thingGroupName]),
      [
        ['dev-1', { site: 'lab' }, 'g'],
        ['dev-2', { site: 'lab' }, 'g'],
      ],
    );
    assert.equal(rowsFromGenerator({ prefix: 'x', count: 0, start: 1, digits: 0, attributes: '' }).ok, false);
    const bad = rowsFromGenerator({ prefix: 'bad prefix ', count: 1, start: 1, digits: 0, attributes: '' });
    assert.ok(bad.ok);
    assert.match(bad.rows[0]!.errors[0]!, /Name "bad prefix 1"/);
  });
});
