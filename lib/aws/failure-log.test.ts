import assert from 'node:assert/strict';
import net from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';

import { startTestEmulator, TEST_CREDENTIALS, type TestEmulator } from '../../emulator/test/harness';
import { createLogger, replaceLogger, runWithRequestContext } from '../log/logger';
import { createIotClient } from './client';
import type { IotConfig } from './config';
import { AppError } from './errors';
import { createThing, describeThing } from './things';

/**
 * Every AWS failure is logged once, as one JSON line with the operation, AWS's exception name, the HTTP status
 * and AWS's request id (and the request it was made for), never a credential: through the real SDK against
 * the real emulator, the failure injected through the emulator's admin route.
 */
describe('AWS failures in the log', () => {
  let t: TestEmulator;
  let lines: string[];
  let restore: () => void;

  const config = (endpoint: string): IotConfig => ({
    mode: 'local',
    region: 'us-east-1',
    controlEndpoint: endpoint,
    dataEndpoint: endpoint,
    credentials: TEST_CREDENTIALS,
  });
  const awsLines = () =>
    lines.map((l) => JSON.parse(l) as Record<string, unknown> & { aws?: Record<string, unknown> }).filter((l) => l.aws);

  before(async () => {
    t = await startTestEmulator();
  });
  after(() => t.close());
  afterEach(async () => {
    restore();
    await t.admin('DELETE', 'faults');
  });
  const capture = () => {
    lines = [];
    restore = replaceLogger(createLogger({ write: (line: string) => void lines.push(line) }, 'info'));
  };

  test('a refused call is logged once (after the retries) with operation, exception, status and request id', async () => {
    capture();
    const fault = await t.admin('POST', 'faults', { operation: 'CreateThing', error: 'ThrottlingException', count: 5 });
    assert.equal(fault.status, 200, await fault.text());
    const client = createIotClient(config(t.url), { maxAttempts: 2 });

    const err = await runWithRequestContext({ requestId: 'req-failure-log-1' }, () =>
      createThing({ name: 'logged-1', attributes: {} }, { client }).then(
        () => assert.fail('the fault should refuse CreateThing'),
        (e: unknown) => e as AppError,
      ),
    );
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'throttled');
    const sdkError = err.cause as { $metadata: { httpStatusCode: number; requestId: string } };

    const logged = awsLines();
    assert.equal(logged.length, 1, `one line for one failed call, retries included:\n${lines.join('')}`);
    const line = logged[0]!;
    assert.equal(line.level, 'warn');
    assert.equal(line.requestId, 'req-failure-log-1');
    assert.deepEqual(line.aws, {
      service: 'IoT',
      operation: 'CreateThing',
      exception: 'ThrottlingException',
      httpStatus: sdkError.$metadata.httpStatusCode,
      requestId: err.requestId,
      attempts: 2,
    });
    assert.ok(err.requestId, 'the emulator answers a request id');
    assert.match(String(line.msg), /CreateThing failed: ThrottlingException/);
    // Neither the keys nor the request's contents reach the log.
    const text = lines.join('');
    assert.doesNotMatch(text, new RegExp(TEST_CREDENTIALS.secretAccessKey));
    assert.doesNotMatch(text, new RegExp(TEST_CREDENTIALS.accessKeyId));
    assert.doesNotMatch(text, /logged-1/);
    client.destroy();
  });

  test('a not-found answer is logged with its 404 and without the message AWS sent', async () => {
    capture();
    const client = createIotClient(config(t.url), { maxAttempts: 1 });
    await assert.rejects(describeThing('no-such-thing', { client }), { code: 'not_found' });
    const [line] = awsLines();
    assert.equal(line?.aws?.operation, 'DescribeThing');
    assert.equal(line?.aws?.exception, 'ResourceNotFoundException');
    assert.equal(line?.aws?.httpStatus, 404);
    assert.equal(line?.requestId, undefined, 'outside a request there is no request id');
    assert.doesNotMatch(lines.join(''), /no-such-thing/);
    client.destroy();
  });

  test('nothing answering is logged as an error with the network code', async () => {
    capture();
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const client = createIotClient(config(`http://127.0.0.1:${closed}`), { maxAttempts: 1 });
    await assert.rejects(describeThing('x', { client }), { code: 'unavailable' });
    const logged = awsLines();
    assert.equal(logged.length, 1);
    assert.equal(logged[0]!.level, 'error');
    assert.equal(logged[0]!.aws?.operation, 'DescribeThing');
    assert.equal(logged[0]!.aws?.exception, 'ECONNREFUSED');
    client.destroy();
  });
});
