import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import mqtt from 'mqtt';
import { presignMqttUrl } from '../../lib/mqtt/presign';
import { ALLOW_ALL, connectDevice, nextMessage, onboardDevice } from './devices';
import { startTestEmulator, type TestEmulator } from './harness';

describe('MQTT over WebSocket with SigV4 (the dashboard path)', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator();
  });
  after(() => t.close());

  const connectWs = (url: string) =>
    new Promise<mqtt.MqttClient>((resolve, reject) => {
      const client = mqtt.connect(url, {
        clientId: `dashboard-${Math.random().toString(36).slice(2)}`,
        reconnectPeriod: 0,
        connectTimeout: 3000,
      });
      client.once('connect', () => resolve(client));
      client.once('error', (err) => {
        client.end(true);
        reject(err);
      });
      client.once('close', () => reject(new Error('closed before CONNACK')));
    });

  test('a URL presigned with the configured credentials connects and sees device traffic, $aws topics included', async () => {
    const url = await presignMqttUrl({
      url: t.emulator.urls.mqttWebSocket,
      region: 'us-east-1',
      credentials: t.emulator.config.credentials,
    });
    const dashboard = await connectWs(url);
    await dashboard.subscribeAsync(['sensors/#', '$aws/events/presence/connected/+']);
    const device = await onboardDevice(t, 'ws-dev', { name: 'all', document: ALLOW_ALL });
    const presence = nextMessage(dashboard, '$aws/events/presence/connected/ws-dev');
    const client = await connectDevice(t, device, 'ws-dev');
    await presence;
    const got = nextMessage(dashboard, 'sensors/ws-dev');
    await client.publishAsync('sensors/ws-dev', '{"t":1}');
    assert.equal((await got).payload.toString(), '{"t":1}');
    // And the other way: the dashboard publishes, the device receives.
    await client.subscribeAsync('ws-dev/cmd');
    const cmd = nextMessage(client, 'ws-dev/cmd');
    await dashboard.publishAsync('ws-dev/cmd', 'blink');
    assert.equal((await cmd).payload.toString(), 'blink');
    const listed = (await (await t.admin('GET', 'clients')).json()) as { clientIds: string[] };
    assert.ok(listed.clientIds.includes('ws-dev'), 'the admin route lists connected clients');
    await client.endAsync();
    await dashboard.endAsync();
    let after: string[] = ['ws-dev'];
    for (let i = 0; i < 60 && after.includes('ws-dev'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = ((await (await t.admin('GET', 'clients')).json()) as { clientIds: string[] }).clientIds;
    }
    assert.ok(!after.includes('ws-dev'), 'a disconnected client leaves the list');
  });

  test('a session token appended after signing, as AWS IoT does, is accepted', async () => {
    const url = await presignMqttUrl({
      url: t.emulator.urls.mqttWebSocket,
      region: 'us-east-1',
      credentials: { ...t.emulator.config.credentials, sessionToken: 'token/with+chars=' },
    });
    const client = await connectWs(url);
    await client.endAsync();
  });

  test('a wrong secret, another region, or no signature is refused at the handshake', async () => {
    const wrongSecret = await presignMqttUrl({
      url: t.emulator.urls.mqttWebSocket,
      region: 'us-east-1',
      credentials: { accessKeyId: t.emulator.config.credentials.accessKeyId, secretAccessKey: 'wrong' },
    });
    await assert.rejects(connectWs(wrongSecret));
    const otherRegion = await presignMqttUrl({
      url: t.emulator.urls.mqttWebSocket,
      region: 'eu-west-1',
      credentials: t.emulator.config.credentials,
    });
    await assert.rejects(connectWs(otherRegion));
    await assert.rejects(connectWs(t.emulator.urls.mqttWebSocket));
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${t.url}/mqtt`, {
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('upgrade', () => reject(new Error('upgraded without a signature')));
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 403);
  });
});
