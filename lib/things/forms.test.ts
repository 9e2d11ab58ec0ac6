import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { invalidByPath } from '@/lib/forms/action-state';

import { createThingForm, deleteThingForm, editAttributesForm } from './forms';

describe('thing forms', () => {
  test('a bad thing name is refused with a message a person can act on', () => {
    const r = createThingForm.safeParse({ name: 'bad name!', attributes: [] });
    assert.equal(r.success, false);
    const state = invalidByPath(r.error!);
    assert.deepEqual(state.fieldErrors?.name, [
      'A thing name can use letters, digits, and : _ - only (not "!" or spaces).',
    ]);
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
