import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { decodablePath, requestPath } from './request-path';

describe('the request path', () => {
  test('a path whose %-escapes are not UTF-8 is not decodable (Next would answer it with a 500)', () => {
    assert.equal(decodablePath('/things/sensor-1'), true);
    assert.equal(decodablePath('/things/%F0%9F%92%A9'), true);
    assert.equal(decodablePath('/things/%C0%AE%C0%AE%2F'), false);
    assert.equal(decodablePath('/things/%E0%A4%A'), false);
    assert.equal(decodablePath('/things/%'), false);
  });

  test('the path for sign-in to return to drops the _rsc parameter', () => {
    assert.equal(requestPath(new URL('http://h/things?q=a&_rsc=1')), '/things?q=a');
  });
});
