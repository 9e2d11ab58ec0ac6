import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ACTION_BODY_LIMIT_BYTES, actionBodyTooLarge, isFormActionCall } from './action-input';

describe('what a server action request must be', () => {
  test('a form action is called with the previous state and a form, nothing else', () => {
    const form = new FormData();
    assert.equal(isFormActionCall([{ status: 'idle' }, form]), true);
    assert.equal(isFormActionCall([form]), false);
    assert.equal(isFormActionCall([{ status: 'idle' }, 'name=x']), false);
    assert.equal(isFormActionCall([{ status: 'idle' }, { name: 'x' }]), false);
    assert.equal(isFormActionCall([{ status: 'idle' }, form, 'more']), false);
    assert.equal(isFormActionCall([]), false);
  });

  test('an action body over 1 MB is too large by its declared length; route handlers bound their own', () => {
    const over = String(ACTION_BODY_LIMIT_BYTES + 1);
    assert.equal(actionBodyTooLarge('POST', '/things/new', over), true);
    assert.equal(actionBodyTooLarge('post', '/things/new', over), true);
    assert.equal(actionBodyTooLarge('POST', '/things/new', String(ACTION_BODY_LIMIT_BYTES)), false);
    assert.equal(actionBodyTooLarge('POST', '/things/new', null), false);
    assert.equal(actionBodyTooLarge('GET', '/things/new', over), false);
    assert.equal(actionBodyTooLarge('POST', '/api/mqtt/sessions/x', over), false);
  });
});
