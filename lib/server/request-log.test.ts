import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';

import { createLogger, logger, replaceLogger } from '../log/logger';
import { installRequestLog, REQUEST_ID_HEADER } from './request-log';

/**
 * Every request the server receives gets an id before the application sees it (a trusted proxy's
 * X-Request-Id, else a fresh one), answered in X-Request-Id, carried by every log line written while it is
 * served, and closed by one access line. A real HTTP server, as Next's is.
 */
describe('request ids and the access log', () => {
  let server: http.Server;
  let base: string;
  let lines: Record<string, unknown>[];
  let restore: () => void;
  const seen: Record<string, string | undefined> = {};

  before(async () => {
    installRequestLog(['127.0.0.1']);
    server = http.createServer((req, res) => {
      // What an action or route handler would do: log something mid-request, after an await.
      void Promise.resolve().then(() => {
        seen[req.url!] = req.headers[REQUEST_ID_HEADER] as string | undefined;
        logger().info({ route: req.url?.split('?')[0] }, 'handled');
        res.statusCode = req.url?.startsWith('/missing') ? 404 : 200;
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    lines = [];
    restore = replaceLogger(
      createLogger({ write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }, 'info'),
    );
  });
  const finish = async () => {
    // The access line is written when the response finishes, just after the client has it.
    await new Promise((r) => setTimeout(r, 50));
    restore();
  };

  test('a request without an id gets a fresh one, answered and on every line logged while it is served', async () => {
    const res = await fetch(`${base}/things?secret=query`);
    await finish();
    const id = res.headers.get('x-request-id');
    assert.match(id ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(seen['/things?secret=query'], id, 'the application sees the id in the request headers');
    const handled = lines.find((l) => l.msg === 'handled');
    assert.equal(handled?.requestId, id);
    const access = lines.find((l) => l.msg === 'request');
    assert.deepEqual(
      { ...access, time: undefined, pid: undefined, ms: undefined },
      {
        level: 'info',
        time: undefined,
        pid: undefined,
        service: 'iot-dashboard',
        requestId: id,
        method: 'GET',
        path: '/things',
        status: 200,
        ms: undefined,
        msg: 'request',
      },
    );
    assert.equal(typeof access?.ms, 'number');
    assert.doesNotMatch(JSON.stringify(lines), /secret=query/, 'query strings are not logged');
  });

  test("a trusted proxy's X-Request-Id is kept, so one id follows the request through both", async () => {
    const res = await fetch(`${base}/missing`, { headers: { 'x-request-id': 'lb-1234-abcd' } });
    await finish();
    assert.equal(res.headers.get('x-request-id'), 'lb-1234-abcd');
    assert.equal(lines.find((l) => l.msg === 'request')?.status, 404);
    assert.equal(lines.find((l) => l.msg === 'handled')?.requestId, 'lb-1234-abcd');
  });

  test('an id that is not a plain token is replaced, so nobody writes their own text into the log', async () => {
    const res = await fetch(`${base}/x`, { headers: { 'x-request-id': 'a"}\\n{"level":"fatal' } });
    await finish();
    assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('from a peer that is not a trusted proxy the id it sends is ignored', async () => {
    installRequestLog([]);
    try {
      const res = await fetch(`${base}/y`, { headers: { 'x-request-id': 'chosen-by-client' } });
      await finish();
      assert.notEqual(res.headers.get('x-request-id'), 'chosen-by-client');
      assert.equal(seen['/y'], res.headers.get('x-request-id'));
    } finally {
      installRequestLog(['127.0.0.1']);
    }
  });
});
