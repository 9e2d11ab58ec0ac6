/**
 * Persistent sessions across an emulator restart, and packets larger than AWS accepts refused before the
 * broker buffers them (over mutual TLS and over the WebSocket), through real clients.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import mqtt from 'mqtt';
import mqttPacket from 'mqtt-packet';
import WebSocket from 'ws';
import { presignMqttUrl } from '../../lib/mqtt/presign';
import { ALLOW_ALL, connectDevice, onboardDevice, type DeviceCredentials } from './devices';
import { startTestEmulator, type TestEmulator } from './harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('persistent sessions survive an emulator restart', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'broker-sessions-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  for (const protocolVersion of [4, 5] as const) {
    test(`MQTT ${protocolVersion === 4 ? '3.1.1 (clean session 0)' : '5 (Session Expiry Interval)'}: subscriptions and queued QoS 1 messages come back`, async () => {
      const sub = `sess-sub-${protocolVersion}`;
      const session = protocolVersion === 5 ? { properties: { sessionExpiryInterval: 600 } } : {};
      let t = await startTestEmulator({ dataDir });
      const creds = await onboardDevice(t, sub, { name: 'allow-all', document: ALLOW_ALL });
      const pubCreds = await onboardDevice(t, `${sub}-pub`, { name: 'allow-all', document: ALLOW_ALL });
      const first = await connectDevice(t, creds, sub, { protocolVersion, clean: false, ...session });
      await first.subscribeAsync(`queued/${sub}`, { qos: 1 });
      await first.endAsync();
      const pub = await connectDevice(t, pubCreds, `${sub}-pub`, { protocolVersion });
      for (let i = 0; i < 3; i++) await pub.publishAsync(`queued/${sub}`, `m${i}`, { qos: 1 });
      await pub.endAsync();
      await sleep(50);
      await t.close();

      t = await startTestEmulator({ dataDir });
      try {
        const received: string[] = [];
        const again = await new Promise<{ client: mqtt.MqttClient; present: boolean }>((resolve, reject) => {
          const client = mqtt.connect(t.emulator.urls.mqtt, {
            clientId: sub,
            cert: creds.certPem,
            key: creds.keyPem,
            ca: creds.caPem,
            protocolVersion,
            clean: false,
            reconnectPeriod: 0,
            ...session,
          });
          client.on('message', (_topic, payload) => received.push(payload.toString()));
          client.once('connect', (connack) => resolve({ client, present: connack.sessionPresent }));
          client.once('error', reject);
        });
        assert.equal(again.present, true, 'CONNACK session present');
        for (let i = 0; i < 40 && received.length < 3; i++) await sleep(50);
        assert.deepEqual(received, ['m0', 'm1', 'm2']);
        await again.client.endAsync();
      } finally {
        await t.close();
      }
    });
  }

  test('a session not resumed within the account expiry is gone after a restart too', async () => {
    let t = await startTestEmulator({ dataDir, sessionExpirySeconds: 1 });
    const creds = await onboardDevice(t, 'sess-short', { name: 'allow-all', document: ALLOW_ALL });
    const c = await connectDevice(t, creds, 'sess-short', { clean: false });
    await c.subscribeAsync('short/x', { qos: 1 });
    await c.endAsync();
    await t.close();
    await sleep(1200);
    t = await startTestEmulator({ dataDir, sessionExpirySeconds: 1 });
    try {
      const present = await new Promise<boolean>((resolve, reject) => {
        const client = mqtt.connect(t.emulator.urls.mqtt, {
          clientId: 'sess-short',
          cert: creds.certPem,
          key: creds.keyPem,
          ca: creds.caPem,
          protocolVersion: 4,
          clean: false,
          reconnectPeriod: 0,
        });
        client.once('connect', (connack) => {
          client.end(true);
          resolve(connack.sessionPresent);
        });
        client.once('error', reject);
      });
      assert.equal(present, false);
    } finally {
      await t.close();
    }
  });
});

describe('packets larger than AWS accepts are refused before they are buffered', () => {
  let t: TestEmulator;
  let creds: DeviceCredentials;
  before(async () => {
    t = await startTestEmulator();
    creds = await onboardDevice(t, 'big', { name: 'allow-all', document: ALLOW_ALL });
  });
  after(() => t.close());

  /** The fixed header of a PUBLISH declaring a 200 MB body. */
  const hugePublishHeader = () => {
    const len = 200 * 1024 * 1024;
    const bytes = [0x30];
    let n = len;
    do {
      let b = n % 128;
      n = Math.floor(n / 128);
      if (n > 0) b |= 0x80;
      bytes.push(b);
    } while (n > 0);
    return Buffer.from(bytes);
  };

  const heapAfterGc = () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage().rss;
  };

  /** A raw TLS connection to the broker with the device's certificate. */
  const deviceTls = (extra: tls.ConnectionOptions = {}) =>
    tls.connect({
      host: '127.0.0.1',
      port: t.emulator.config.mqttPort,
      ca: creds.caPem,
      cert: creds.certPem,
      key: creds.keyPem,
      servername: 'localhost',
      ...extra,
    });

  test('a TLS session is never resumed, in TLS 1.2 or 1.3: a reconnect offering the last session gets a full handshake (as AWS IoT Core)', async () => {
    /** One handshake at `version`, offering `session`; the session the client holds afterwards. */
    const handshake = (version: tls.SecureVersion, session?: Buffer) =>
      new Promise<{ reused: boolean; session: Buffer | undefined }>((resolve, reject) => {
        const socket = deviceTls({ minVersion: version, maxVersion: version, ...(session ? { session } : {}) });
        socket.once('error', reject);
        socket.once('secureConnect', () => {
          // A TLS 1.3 server would send its tickets just after the handshake: give them time to arrive.
          setTimeout(() => {
            resolve({ reused: socket.isSessionReused(), session: socket.getSession() });
            socket.destroy();
          }, 100);
        });
      });
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      const first = await handshake(version);
      assert.ok(first.session, `${version}: the client has a session to offer`);
      assert.equal((await handshake(version, first.session)).reused, false, `${version}: the session was resumed`);
    }
  });

  test('over mutual TLS: a 200 MB PUBLISH closes the connection after its header, memory stays flat', async () => {
    const rssBefore = heapAfterGc();
    const socket = deviceTls();
    socket.on('error', () => {});
    await new Promise((r) => socket.once('secureConnect', r));
    socket.write(
      mqttPacket.generate({ cmd: 'connect', clientId: 'big', protocolVersion: 4, clean: true, keepalive: 60 }),
    );
    await new Promise((r) => socket.once('data', r)); // CONNACK
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.write(hugePublishHeader());
    // Keep sending body while the broker lets us: it must stop reading and close long before 200 MB.
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const pump = (async () => {
      while (!socket.destroyed && sent < 200 * 1024 * 1024) {
        if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r).once('close', r));
        sent += chunk.length;
      }
    })();
    await closed;
    await pump;
    assert.ok(sent < 20 * 1024 * 1024, `the broker read ${sent} bytes before closing`);
    const grown = heapAfterGc() - rssBefore;
    assert.ok(grown < 50 * 1024 * 1024, `the emulator grew by ${Math.round(grown / 1e6)} MB`);
  });

  test('over the WebSocket at /mqtt: a 200 MB message is refused from its frame header', async () => {
    const rssBefore = heapAfterGc();
    const url = await presignMqttUrl({
      url: t.emulator.urls.mqttWebSocket,
      region: t.emulator.config.region,
      credentials: t.emulator.config.credentials,
    });
    const ws = new WebSocket(url, 'mqtt');
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.on('error', () => {});
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    // A binary frame declaring 200 MB (masked, as a client's must be), then some of its body.
    const header = Buffer.alloc(14);
    header[0] = 0x82;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(200 * 1024 * 1024), 2);
    const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket;
    socket.write(header);
    socket.write(Buffer.alloc(1024 * 1024, 0x61));
    assert.equal(await closed, 1009); // message too big, from the header alone
    const grown = heapAfterGc() - rssBefore;
    assert.ok(grown < 50 * 1024 * 1024, `the emulator grew by ${Math.round(grown / 1e6)} MB`);
  });
});
