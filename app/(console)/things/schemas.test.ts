import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  attributeChanges,
  createThingForm,
  deleteThingForm,
  editAttributesForm,
  invalidByPath,
  parseThingsQuery,
  readAttributeRows,
  thingsHref,
} from './schemas';

function form(entries: Record<string, string>): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(entries)) fd.append(k, v);
  return fd;
}

describe('thing forms', () => {
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

  test('a bad thing name is refused with a message a person can act on', () => {
    const r = createThingForm.safeParse({ name: 'bad name!', attributes: [] });
    assert.equal(r.success, false);
    const state = invalidByPath(r.error!);
    assert.match(state.fieldErrors?.name?.[0] ?? '', /Use only letters, digits/);
  });

  test('a 4th attribute without a thing type is refused; with a type it is accepted', () => {
    const attributes = ['a', 'b', 'c', 'd'].map((name, i) => ({ name, value: String(i) }));
    const untyped = createThingForm.safeParse({ name: 'ok', attributes });
    assert.equal(untyped.success, false);
    assert.match(invalidByPath(untyped.error!).fieldErrors?.attributes?.[0] ?? '', /at most 3 attributes; this has 4/);
    assert.equal(createThingForm.safeParse({ name: 'ok', typeName: 'sensor', attributes }).success, true);
  });

  test('errors are keyed by row so each shows beside its own input', () => {
    const r = createThingForm.safeParse({
      name: 'ok',
      attributes: [
        { name: 'site', value: 'two words' },
        { name: 'site', value: 'x' },
        { name: '', value: 'y' },
      ],
    });
    const errors = invalidByPath(r.error!).fieldErrors!;
    assert.match(errors['attributes.0.value']![0]!, /no spaces/);
    assert.match(errors['attributes.1.name']![0]!, /already used/);
    assert.match(errors['attributes.2.name']![0]!, /Enter a name/);
  });

  test('empty type and group mean none', () => {
    const r = createThingForm.safeParse({ name: 'ok', typeName: '', groupName: ' ', attributes: [] });
    assert.equal(r.success, true);
    assert.equal(r.data!.typeName, undefined);
    assert.equal(r.data!.groupName, undefined);
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

  test('the edit form refuses a tampered original', () => {
    const r = editAttributesForm.safeParse({ name: 'ok', version: '3', original: '{not json', attributes: [] });
    assert.equal(r.success, false);
  });

  test('deleting needs the exact thing name typed', () => {
    assert.equal(deleteThingForm.safeParse({ name: 't-1', confirm: 't-1', pending: [] }).success, true);
    const wrong = deleteThingForm.safeParse({ name: 't-1', confirm: 't-2', pending: [] });
    assert.match(invalidByPath(wrong.error!).fieldErrors?.confirm?.[0] ?? '', /Type the thing name, t-1/);
    assert.equal(deleteThingForm.safeParse({ name: 't-1', confirm: 't-1', pending: ['nope'] }).success, false);
  });
});

describe('things list query', () => {
  test('parses prefix, type, group and name=value', () => {
    const { query, errors } = parseThingsQuery({
      q: 'sensor-',
      type: 'gw',
      group: 'lab',
      attr: 'site=hall',
      page: '3',
    });
    assert.deepEqual(errors, {});
    assert.equal(query.prefix, 'sensor-');
    assert.equal(query.typeName, 'gw');
    assert.equal(query.groupName, 'lab');
    assert.equal(query.attributeName, 'site');
    assert.equal(query.attributeValue, 'hall');
    assert.equal(query.page, 3);
  });

  test('refuses what no thing could match, beside the field', () => {
    const { errors } = parseThingsQuery({ q: 'has space', attr: 'site' });
    assert.match(errors.q!, /Thing names hold only/);
    assert.match(errors.attr!, /name=value/);
  });

  test('a nonsense page number falls back to the first page', () => {
    assert.equal(parseThingsQuery({ page: '-4' }).query.page, 1);
    assert.equal(parseThingsQuery({ page: 'x' }).query.page, 1);
  });

  test('links keep the filters and leave out empty ones', () => {
    assert.equal(thingsHref({ prefix: 'a', attribute: 'site=x' }, { page: '2' }), '/things?q=a&attr=site%3Dx&page=2');
    assert.equal(thingsHref({}), '/things');
  });
});
