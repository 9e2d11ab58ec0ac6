/**
 * Interop: Eclipse Mosquitto's command-line clients (OpenSSL's TLS, a client nobody here wrote) against
 * the local IoT Core's broker, with credentials made through the control plane.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { UpdateCertificateCommand } from '@aws-sdk/client-iot';
import type { MqttClient } from 'mqtt';
import { ALLOW_ALL, connectDevice, nextMessage, onboardDevice, type DeviceCredentials } from './devices';
import { startTestEmulator, type TestEmulator } from './harness';
import { mosquittoSkip, mosquittoTlsFiles } from './mosquitto-clients';

const run = promisify(execFile);

const ARN = 'arn:aws:iot:us-east-1:123456789012';

describe('mosquitto_pub / mosquitto_sub interop', { skip: mosquittoSkip }, () => {
  let t: TestEmulator;
  let dir: string;
  let port: string;

  /** Writes a device's files as an operator would download them, and returns mosquitto's TLS flags. */
  const tlsArgs = (creds: DeviceCredentials) => ['-h', '127.0.0.1', '-p', port, ...mosquittoTlsFiles(dir, creds)];

  /** Starts mosquitto_sub for `count` messages; resolves with its output lines once it exits. */
  const subscribe = (args: string[], count: number) => {
    const child = spawn('mosquitto_sub', [...args, '-C', String(count), '-W', '10', '-v'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const done = new Promise<{ code: number | null; lines: string[]; err: string }>((resolve) =>
      child.on('exit', (code) => resolve({ code, lines: out.split('\n').filter(Boolean), err })),
    );
    return { child, done };
  };
  /**
   * Resolves once the broker has granted `clientId` a subscription, seen through the lifecycle event an
   * observer receives — no guessing how long mosquitto_sub takes to start.
   */
  let observer: MqttClient;
  const subscribed = (clientId: string) =>
    nextMessage(observer, `$aws/events/subscriptions/subscribed/${clientId}`, 10_000);

  before(async () => {
    t = await startTestEmulator();
    port = String(t.emulator.config.mqttPort);
    observer = await connectDevice(
      t,
      await onboardDevice(t, 'mq-observer', { name: 'all', document: ALLOW_ALL }),
      'mq-observer',
    );
    await observer.subscribeAsync('$aws/events/subscriptions/subscribed/+');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosquitto-interop-'));
  });
  after(async () => {
    await observer.endAsync();
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('mosquitto_sub receives what mosquitto_pub publishes, both over mutual TLS', async () => {
    const sub = await onboardDevice(t, 'mq-sub', { name: 'all', document: ALLOW_ALL });
    const pub = await onboardDevice(t, 'mq-pub', { name: 'all', document: ALLOW_ALL });
    const ready = subscribed('mq-sub');
    const listening = subscribe([...tlsArgs(sub), '-i', 'mq-sub', '-t', 'mq/telemetry', '-q', '1'], 1);
    await ready;
    await run('mosquitto_pub', [
      ...tlsArgs(pub),
      '-i',
      'mq-pub',
      '-t',
      'mq/telemetry',
      '-m',
      '{"temp":21.5}',
      '-q',
      '1',
    ]);
    const { code, lines } = await listening.done;
    assert.equal(code, 0);
    assert.deepEqual(lines, ['mq/telemetry {"temp":21.5}']);
  });

  test('a thing-scoped policy lets the device use its own topics and refuses others', async () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:Connection.Thing.ThingName}` },
        { Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/\${iot:Connection.Thing.ThingName}/*` },
      ],
    };
    const dev = await onboardDevice(t, 'mq-scoped', { name: 'scoped', document: doc });
    await run('mosquitto_pub', [...tlsArgs(dev), '-i', 'mq-scoped', '-t', 'mq-scoped/data', '-m', 'ok', '-q', '1']);
    // Another client id is refused at CONNECT.
    await assert.rejects(
      run('mosquitto_pub', [...tlsArgs(dev), '-i', 'not-my-thing', '-t', 'mq-scoped/data', '-m', 'x', '-q', '1']),
    );
    // A foreign topic ends the connection, so a QoS 1 publish never gets its PUBACK.
    await assert.rejects(
      run('mosquitto_pub', [...tlsArgs(dev), '-i', 'mq-scoped', '-t', 'other/data', '-m', 'x', '-q', '1'], {
        timeout: 8000,
      }),
    );
  });

  test('a deactivated certificate is refused', async () => {
    const dev = await onboardDevice(t, 'mq-off', { name: 'all', document: ALLOW_ALL });
    await run('mosquitto_pub', [...tlsArgs(dev), '-i', 'mq-off', '-t', 'mq-off/x', '-m', '1', '-q', '1']);
    await t.iot.send(new UpdateCertificateCommand({ certificateId: dev.certificateId, newStatus: 'INACTIVE' }));
    await assert.rejects(
      run('mosquitto_pub', [...tlsArgs(dev), '-i', 'mq-off', '-t', 'mq-off/x', '-m', '1', '-q', '1']),
    );
  });

  test('mosquitto_sub sees the presence events of another device', async () => {
    const watcher = await onboardDevice(t, 'mq-watch', { name: 'all', document: ALLOW_ALL });
    const dev = await onboardDevice(t, 'mq-presence', { name: 'all', document: ALLOW_ALL });
    const ready = subscribed('mq-watch');
    const listening = subscribe([...tlsArgs(watcher), '-i', 'mq-watch', '-t', '$aws/events/presence/+/mq-presence'], 2);
    await ready;
    await run('mosquitto_pub', [...tlsArgs(dev), '-i', 'mq-presence', '-t', 'mq-presence/hello', '-m', 'hi']);
    const { lines } = await listening.done;
    assert.equal(lines.length, 2);
    // AWS: lifecycle events may arrive out of order, so find each by its type.
    const events = lines.map(
      (l) => JSON.parse(l.slice(l.indexOf(' ') + 1)) as { eventType: string; disconnectReason?: string },
    );
    const connected = events.find((e) => e.eventType === 'connected');
    const disconnected = events.find((e) => e.eventType === 'disconnected');
    assert.ok(connected, 'a connected event');
    assert.ok(disconnected, 'a disconnected event');
    assert.equal(disconnected.disconnectReason, 'CLIENT_INITIATED_DISCONNECT');
  });

  test('the broker presents a certificate for localhost that mosquitto verifies against the root CA', async () => {
    const dev = await onboardDevice(t, 'mq-host', { name: 'all', document: ALLOW_ALL });
    const args = tlsArgs(dev).map((a) => (a === '127.0.0.1' ? 'localhost' : a));
    await run('mosquitto_pub', [...args, '-i', 'mq-host', '-t', 'mq-host/x', '-m', '1', '-q', '1']);
    // Trusting the public CAs instead (as if the bundle lacked the emulator's root) fails verification.
    const wrongCa = args.map((a) => (a.endsWith('root-ca.pem') ? '/etc/ssl/certs/ca-certificates.crt' : a));
    await assert.rejects(run('mosquitto_pub', [...wrongCa, '-i', 'mq-host', '-t', 'mq-host/x', '-m', '1', '-q', '1']));
  });
});
