import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';

import { startTestEmulator, TEST_CREDENTIALS, type TestEmulator } from '../../emulator/test/harness';
import { createIotClient } from '../aws/client';
import type { IotConfig } from '../aws/config';
import { probeAws } from '../aws/endpoint';
import { type Database, openDatabase } from '../db/database';
import { checkHealth } from './health';

/**
 * What /api/health answers a load balancer: the process, the database (a real PGlite) and AWS IoT (a real
 * DescribeEndpoint through the SDK to the emulator, bounded by a short timeout). 200 when all are ok, 503
 * otherwise, and nothing in the body a stranger should not read (no endpoint, no error text).
 */
describe('the health check', () => {
  let t: TestEmulator;
  let database: Database;
  let silent: http.Server;
  const config = (endpoint: string): IotConfig => ({
    mode: 'local',
    region: 'us-east-1',
    controlEndpoint: endpoint,
    dataEndpoint: endpoint,
    credentials: TEST_CREDENTIALS,
  });

  before(async () => {
    t = await startTestEmulator();
    database = await openDatabase({ driver: 'pglite', dataDir: 'memory://' });
    // A server that takes the connection and never answers: AWS hanging.
    silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    silent.closeAllConnections();
    silent.close();
    await database.close();
    await t.close();
  });

  const aws = (endpoint: string) => {
    const client = createIotClient(config(endpoint), { maxAttempts: 1 });
    return (signal: AbortSignal) => probeAws({ client, signal });
  };

  test('everything up: 200 and each check ok', async () => {
    const report = await checkHealth({ database: async () => database, aws: aws(t.url), timeoutMs: 2000 });
    assert.equal(report.httpStatus, 200);
    assert.equal(report.body.status, 'ok');
    assert.deepEqual(Object.fromEntries(Object.entries(report.body.checks).map(([name, c]) => [name, c.ok])), {
      process: true,
      database: true,
      aws: true,
    });
  });

  test('AWS not answering within the timeout: 503, the AWS check says timeout, quickly', async () => {
    const started = Date.now();
    const { port } = silent.address() as AddressInfo;
    const report = await checkHealth({
      database: async () => database,
      aws: aws(`http://127.0.0.1:${port}`),
      timeoutMs: 500,
    });
    assert.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms`);
    assert.equal(report.httpStatus, 503);
    assert.equal(report.body.status, 'failing');
    assert.equal(report.body.checks.database.ok, true);
    assert.deepEqual({ ...report.body.checks.aws, ms: 0 }, { ok: false, ms: 0, error: 'timeout' });
  });

  test('AWS refusing the connection: 503 with the reason as a code, not the endpoint', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const report = await checkHealth({
      database: async () => database,
      aws: aws(`http://127.0.0.1:${closed}`),
      timeoutMs: 2000,
    });
    assert.equal(report.httpStatus, 503);
    assert.equal(report.body.checks.aws.error, 'unavailable');
    assert.doesNotMatch(JSON.stringify(report.body), /127\.0\.0\.1|ECONNREFUSED|http/);
  });

  test('the database unreachable: 503 and the database check failing', async () => {
    const report = await checkHealth({
      database: () => Promise.reject(new Error('password authentication failed for user "dashboard"')),
      aws: aws(t.url),
      timeoutMs: 2000,
    });
    assert.equal(report.httpStatus, 503);
    assert.equal(report.body.checks.database.ok, false);
    assert.equal(report.body.checks.aws.ok, true);
    assert.doesNotMatch(JSON.stringify(report.body), /password|dashboard/);
  });

  test('a server shutting down answers 503 at once, so the balancer stops sending it requests', async () => {
    const report = await checkHealth({
      database: async () => database,
      aws: aws(t.url),
      timeoutMs: 2000,
      stopping: true,
    });
    assert.equal(report.httpStatus, 503);
    assert.equal(report.body.status, 'stopping');
    assert.equal(report.body.checks.process.ok, false);
  });
});
