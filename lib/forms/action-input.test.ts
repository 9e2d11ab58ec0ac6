import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ACTION_BODY_LIMIT_BYTES, actionBodyProblem, isFormActionCall } from './action-input';

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

  test('an action body over 1 MB, or of no declared length, is refused unread; route handlers bound their own', () => {
    const over = String(ACTION_BODY_LIMIT_BYTES + 1);
    const check = (
      method: string,
      path: string,
      contentLength: string | null,
      transferEncoding: string | null = null,
    ) => actionBodyProblem(method, path, { contentLength, transferEncoding })?.status;
    assert.equal(check('POST', '/things/new', over), 413);
    assert.equal(check('post', '/things/new', over), 413);
    assert.equal(check('POST', '/things/new', String(ACTION_BODY_LIMIT_BYTES)), undefined);
    assert.equal(check('POST', '/things/new', null), undefined);
    assert.equal(check('POST', '/things/new', null, 'chunked'), 411);
    assert.equal(check('GET', '/things/new', over), undefined);
    assert.equal(check('POST', '/api/mqtt/sessions/x', over), undefined);
  });
});
