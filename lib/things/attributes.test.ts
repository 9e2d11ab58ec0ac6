import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { attributeChanges, readAttributeRows, rowsFromValues, rowValues } from './attributes';

function form(entries: Record<string, string>): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(entries)) fd.append(k, v);
  return fd;
}

describe('attribute rows', () => {
  test('attribute rows are read in index order and blank rows are dropped', () => {
    const rows = readAttributeRows(
      form({
        'attributes.2.name': 'c',
        'attributes.2.value': '3',
        'attributes.0.name': ' a ',
        'attributes.0.value': '1',
        'attributes.1.name': '',
        'attributes.1.value': '',
        other: 'x',
      }),
    );
    assert.deepEqual(rows, [
      { name: 'a', value: '1' },
      { name: 'c', value: '3' },
    ]);
  });

  test('rows numbered 1000 and beyond are read, in numeric order, not dropped', () => {
    const rows = readAttributeRows(
      form({
        'attributes.12345678901234567890.name': 'e',
        'attributes.12345678901234567890.value': '5',
        'attributes.1000.name': 'c',
        'attributes.1000.value': '3',
        'attributes.10.name': 'b',
        'attributes.10.value': '2',
        'attributes.2.name': 'a',
        'attributes.2.value': '1',
        'attributes.99999.name': 'd',
        'attributes.99999.value': '4',
      }),
    );
    assert.deepEqual(
      rows.map((r) => r.name),
      ['a', 'b', 'c', 'd', 'e'],
    );
  });

  test('a refused form shows the rows it sent again, numbered as they were checked', () => {
    const rows = [
      { name: 'site', value: 'lab' },
      { name: 'floor', value: '' },
    ];
    assert.deepEqual(rowValues(rows), {
      'attributes.0.name': 'site',
      'attributes.0.value': 'lab',
      'attributes.1.name': 'floor',
      'attributes.1.value': '',
    });
    assert.deepEqual(rowsFromValues(rowValues(rows), []), rows);
    assert.deepEqual(rowsFromValues(undefined, [{ name: '', value: '' }]), [{ name: '', value: '' }]);
  });

  test('attribute changes: new and changed values, and an empty value for each removed attribute', () => {
    assert.deepEqual(
      attributeChanges({ site: 'lab', floor: '1', keep: 'k' }, [
        { name: 'site', value: 'hall' },
        { name: 'keep', value: 'k' },
        { name: 'rack', value: 'r7' },
      ]),
      { site: 'hall', rack: 'r7', floor: '' },
    );
  });
});
