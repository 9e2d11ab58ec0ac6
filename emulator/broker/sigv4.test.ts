import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { presignMqttUrl } from '../../lib/mqtt/presign';
import { verifyPresignedUrl } from './sigv4';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

async function check(url: string, opts: Partial<Parameters<typeof verifyPresignedUrl>[0]> = {}) {
  const u = new URL(url);
  return verifyPresignedUrl({
    method: 'GET',
    path: u.pathname,
    query: u.searchParams,
    host: u.host,
    credentials,
    region: 'us-east-1',
    ...opts,
  });
}

describe('SigV4 presigned WebSocket URLs (iotdevicegateway)', () => {
  test('a URL signed by the SDK signer verifies', async () => {
    const url = await presignMqttUrl({
      url: 'wss://example-ats.iot.us-east-1.amazonaws.com/mqtt',
      region: 'us-east-1',
      credentials,
    });
    assert.deepEqual(await check(url), { ok: true });
  });

  test('a tampered query, host or secret fails with a reason', async () => {
    const url = await presignMqttUrl({ url: 'ws://127.0.0.1:4580/mqtt', region: 'us-east-1', credentials });
    assert.equal((await check(url.replace('X-Amz-Date=', 'X-Amz-Date=1'))).ok, false);
    assert.equal((await check(url, { host: '127.0.0.1:9999' })).ok, false);
    const wrong = await check(url, { credentials: { ...credentials, secretAccessKey: 'nope' } });
    assert.deepEqual(wrong, { ok: false, reason: 'The request signature does not match' });
    assert.match(
      (await check(url, { credentials: { ...credentials, accessKeyId: 'AKIDOTHER' } })).reason!,
      /Unknown access key/,
    );
  });

  test('an expired URL is refused', async () => {
    const url = await presignMqttUrl({
      url: 'ws://127.0.0.1:4580/mqtt',
      region: 'us-east-1',
      credentials,
      expiresIn: 60,
    });
    const later = Date.now() + 60 * 60 * 1000;
    assert.match((await check(url, { now: later })).reason!, /expired/);
  });

  test('another service in the credential scope is refused', async () => {
    const url = await presignMqttUrl({ url: 'ws://127.0.0.1:4580/mqtt', region: 'us-east-1', credentials });
    const other = url.replace('iotdevicegateway', 'iotdata');
    assert.match((await check(other)).reason!, /X-Amz-Credential/);
  });
});
