/**
 * The local IoT Core refuses the browser as an attacker (issue 11, finding 1): a foreign Host (DNS rebinding), a
 * cross-site request (Origin, Sec-Fetch-Site) on the API and on the MQTT WebSocket, and an admin route without
 * the token in `<dataDir>/admin-token`. Server-side clients (the SDK, fetch in Node, mqtt.js) send none of these
 * and keep working.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DescribeThingCommand, ListCertificatesCommand, ListThingsCommand } from '@aws-sdk/client-iot';
import { presignMqttUrl } from '../../lib/mqtt/presign';
import { expectAwsError, startTestEmulator, type TestEmulator } from './harness';
import { rawRequest, upgradeStatus } from './raw-http';

const tokenOf = (dataDir: string) => fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();

/** An AWS-shaped refusal: the status, the exception in x-amzn-ErrorType and in the body beside a message. */
function assertRefused(res: { status: number; headers: Record<string, unknown>; json?: Record<string, unknown> }) {
  assert.equal(res.status, 403, JSON.stringify(res.json));
  assert.equal(res.headers['x-amzn-errortype'], 'ForbiddenException');
  assert.equal(res.json?.__type, 'ForbiddenException');
  assert.equal(typeof res.json?.message, 'string');
}

describe('the local IoT Core refuses the browser as an attacker', () => {
  let t: TestEmulator;
  let port: number;
  before(async () => {
    t = await startTestEmulator();
    port = t.emulator.config.httpPort;
  });
  after(() => t.close());

  test('a foreign Host (DNS rebinding) gets 403 with an AWS error, CreateKeysAndCertificate included', async () => {
    const before = (await t.iot.send(new ListCertificatesCommand({}))).certificates?.length ?? 0;
    for (const host of ['evil.example', `evil.example:${port}`, `localhost.evil.example:${port}`, '127.0.0.1.nip.io']) {
      const list = await rawRequest(t.url, '/things', { host });
      assertRefused(list);
      const keys = await rawRequest(t.url, '/keys-and-certificate?setAsActive=true', { method: 'POST', host });
      assertRefused(keys);
      assert.ok(!keys.text.includes('PRIVATE KEY'), 'no private key in the refusal');
    }
    const after = (await t.iot.send(new ListCertificatesCommand({}))).certificates?.length ?? 0;
    assert.equal(after, before, 'no certificate was created');
    const message = (await rawRequest(t.url, '/things', { host: 'evil.example' })).json?.message as string;
    assert.match(message, /IOT_EMULATOR_ALLOWED_HOSTS/);
  });

  test('a request without a Host header is refused', async () => {
    assertRefused(await rawRequest(t.url, '/things', { host: '' }));
  });

  test('loopback names and addresses, with or without a port, are answered', async () => {
    for (const host of [`localhost:${port}`, 'localhost', `127.0.0.1:${port}`, `[::1]:${port}`, `LocalHost:${port}`]) {
      const res = await rawRequest(t.url, '/things', { host });
      assert.equal(res.status, 200, `${host}: ${res.text}`);
    }
  });

  test('hosts named in allowedHosts are answered too, others still refused', async () => {
    const other = await startTestEmulator({ allowedHosts: ['iot.lab.internal', 'Emulator.Example'] });
    try {
      const port2 = other.emulator.config.httpPort;
      assert.equal((await rawRequest(other.url, '/things', { host: `iot.lab.internal:${port2}` })).status, 200);
      assert.equal((await rawRequest(other.url, '/things', { host: 'emulator.example' })).status, 200);
      assert.equal((await rawRequest(other.url, '/things', { host: `localhost:${port2}` })).status, 200);
      assertRefused(await rawRequest(other.url, '/things', { host: 'lab.internal' }));
    } finally {
      await other.close();
    }
  });

  test('a cross-site POST (a form or a no-cors fetch: text/plain, Origin) creates nothing', async () => {
    for (const origin of ['http://attacker.example', 'null', `http://127.0.0.1:${port + 1}`, t.url]) {
      const res = await rawRequest(t.url, '/things/made-by-a-page', {
        method: 'POST',
        headers: { origin, 'content-type': 'text/plain' },
        body: '{}',
      });
      assertRefused(res);
    }
    await expectAwsError(
      () => t.iot.send(new DescribeThingCommand({ thingName: 'made-by-a-page' })),
      'ResourceNotFoundException',
    );
  });

  test('Sec-Fetch-Site other than same-origin or none is refused; a typed URL (none) is answered', async () => {
    for (const site of ['cross-site', 'same-site']) {
      assertRefused(await rawRequest(t.url, '/things', { headers: { 'sec-fetch-site': site } }));
      assertRefused(
        await rawRequest(t.url, '/things/by-fetch-metadata', { method: 'POST', headers: { 'sec-fetch-site': site } }),
      );
    }
    for (const site of ['same-origin', 'none']) {
      assert.equal((await rawRequest(t.url, '/things', { headers: { 'sec-fetch-site': site } })).status, 200);
    }
    await expectAwsError(
      () => t.iot.send(new DescribeThingCommand({ thingName: 'by-fetch-metadata' })),
      'ResourceNotFoundException',
    );
  });

  test('cross-site fault injection is refused before it is read, token or not', async () => {
    const token = tokenOf(t.dataDir);
    const res = await rawRequest(t.url, '/_emulator/faults', {
      method: 'POST',
      headers: { origin: 'http://attacker.example', authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      body: JSON.stringify({ operation: 'ListThings', count: 5 }),
    });
    assertRefused(res);
    await t.iot.send(new ListThingsCommand({}));
  });

  test('the MQTT WebSocket refuses a cross-site page and a foreign Host, even with a valid signature', async () => {
    const signed = await presignMqttUrl({
      url: t.emulator.urls.mqttWebSocket,
      region: 'us-east-1',
      credentials: t.emulator.config.credentials,
    });
    const { pathname, search } = new URL(signed);
    assert.equal(await upgradeStatus(t.url, pathname + search), 101, 'a server-side client still connects');
    assert.equal(await upgradeStatus(t.url, pathname + search, { origin: 'http://attacker.example' }), 403);
    assert.equal(await upgradeStatus(t.url, pathname + search, { 'sec-fetch-site': 'cross-site' }), 403);
    const rebound = await presignMqttUrl({
      url: `ws://evil.example:${port}/mqtt`,
      region: 'us-east-1',
      credentials: t.emulator.config.credentials,
    });
    const r = new URL(rebound);
    assert.equal(await upgradeStatus(t.url, r.pathname + r.search, { host: `evil.example:${port}` }), 403);
  });

  test('the admin token is written once to <dataDir>/admin-token, readable by its owner only', async () => {
    const file = path.join(t.dataDir, 'admin-token');
    const token = tokenOf(t.dataDir);
    assert.match(token, /^[A-Za-z0-9_-]{32,}$/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const again = await startTestEmulator({ dataDir: path.join(t.dataDir, 'second') });
    try {
      assert.notEqual(tokenOf(again.dataDir), token, 'each data directory has its own token');
    } finally {
      await again.close();
    }
  });

  test('the token survives a restart on the same data directory', async () => {
    const dir = fs.mkdtempSync(path.join(t.dataDir, 'restart-'));
    const first = await startTestEmulator({ dataDir: dir });
    const token = tokenOf(dir);
    await first.close();
    const second = await startTestEmulator({ dataDir: dir });
    try {
      assert.equal(tokenOf(dir), token);
      const res = await rawRequest(second.url, '/_emulator/faults', { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
    } finally {
      await second.close();
    }
  });

  test('admin routes need the token; health and the root CA stay open', async () => {
    const token = tokenOf(t.dataDir);
    const routes: [string, string, unknown?][] = [
      ['GET', 'faults'],
      ['POST', 'faults', { operation: 'ListThings', count: 3 }],
      ['DELETE', 'faults'],
      ['GET', 'quotas'],
      ['PUT', 'quotas', { rates: { ListThings: 1 } }],
      ['DELETE', 'quotas'],
      ['GET', 'clients'],
    ];
    for (const [method, route, body] of routes) {
      for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${token}`, 'Bearer ', token]) {
        const res = await rawRequest(t.url, `/_emulator/${route}`, {
          method,
          headers: {
            ...(authorization ? { authorization } : {}),
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        });
        assert.equal(res.status, 401, `${method} ${route} with ${authorization}: ${res.text}`);
        assert.equal(res.json?.__type, 'UnauthorizedException');
        assert.match(res.json?.message as string, /admin-token/);
      }
    }
    // Nothing above took effect: no fault, no quota.
    for (let i = 0; i < 4; i++) await t.iot.send(new ListThingsCommand({}));
    const authorized = await rawRequest(t.url, '/_emulator/faults', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(authorized.status, 200);
    assert.deepEqual(authorized.json, { faults: [] });

    assert.equal((await rawRequest(t.url, '/_emulator/health')).status, 200);
    const ca = await rawRequest(t.url, '/_emulator/root-ca.pem');
    assert.equal(ca.status, 200);
    assert.match(ca.text, /^-----BEGIN CERTIFICATE-----/);
  });
});
