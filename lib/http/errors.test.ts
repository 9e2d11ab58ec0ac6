import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';

import { AppError } from '@/lib/aws/errors';

import { appErrorResponse, errorResponse, HTTP_STATUS_BY_CODE, readJsonBody } from './errors';

describe('route handler errors', () => {
  test('every error answer is { error } with its status, never cached', async () => {
    const res = errorResponse(404, 'There is no thing named x.');
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await res.json(), { error: 'There is no thing named x.' });
  });

  test('AWS failures map to one status per code, never a bare 500', async () => {
    for (const status of Object.values(HTTP_STATUS_BY_CODE)) assert.notEqual(status, 500);
    const missing = appErrorResponse(new AppError('not_found', 'The certificate does not exist.'));
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'The certificate does not exist.' });
    assert.equal(appErrorResponse(new AppError('throttled', 'slow down')).status, 429);
    assert.equal(appErrorResponse(new AppError('misconfigured', 'set IOT_MODE')).status, 503);
  });

  test('an SDK error by name and a refused connection become the app codes’ statuses', async () => {
    const sdk = Object.assign(new Error('nope'), { name: 'ResourceNotFoundException' });
    assert.equal(appErrorResponse(sdk).status, 404);
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const res = appErrorResponse(down);
    assert.equal(res.status, 503);
    assert.match(((await res.json()) as { error: string }).error, /Cannot reach AWS IoT/);
  });

  test('a JSON body is checked: not JSON, or the wrong shape, is a 400 naming the problem', async () => {
    const schema = z.object({ op: z.literal('subscribe'), filter: z.string() });
    const post = (body: string) => new Request('http://x/', { method: 'POST', body });

    const notJson = await readJsonBody(post('{oops'), schema);
    assert.ok(!notJson.ok);
    assert.equal(notJson.response.status, 400);
    assert.deepEqual(await notJson.response.json(), { error: 'The request body is not JSON.' });

    const wrong = await readJsonBody(post('{"op":"subscribe"}'), schema);
    assert.ok(!wrong.ok);
    assert.match(((await wrong.response.json()) as { error: string }).error, /^filter: /);

    const good = await readJsonBody(post('{"op":"subscribe","filter":"a/#"}'), schema);
    assert.deepEqual(good, { ok: true, value: { op: 'subscribe', filter: 'a/#' } });
  });
});
