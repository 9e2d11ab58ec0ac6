/**
 * Interop over MQTT 5: Eclipse Mosquitto's command-line clients with `-V mqttv5` against the local IoT
 * Core's broker (OpenSSL's TLS, a client nobody here wrote).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { MqttClient } from 'mqtt';
import { ALLOW_ALL, connectDevice, nextMessage, onboardDevice, type DeviceCredentials } from './devices';
import { startTestEmulator, type TestEmulator } from './harness';
import { mosquittoSkip, mosquittoTlsFiles } from './mosquitto-clients';

const run = promisify(execFile);

const ARN = 'arn:aws:iot:us-east-1:123456789012';

describe('mosquitto_pub / mosquitto_sub -V mqttv5 interop', { skip: mosquittoSkip }, () => {
  let t: TestEmulator;
  let dir: string;
  let observer: MqttClient;

  const tlsArgs = (creds: DeviceCredentials) => [
    ...['-V', 'mqttv5', '-h', 'localhost', '-p', String(t.emulator.config.mqttPort)],
    ...mosquittoTlsFiles(dir, creds),
  ];

  before(async () => {
    t = await startTestEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosquitto-v5-'));
    observer = await connectDevice(
      t,
      await onboardDevice(t, 'v5-observer', { name: 'all', document: ALLOW_ALL }),
      'v5-observer',
    );
    await observer.subscribeAsync('$aws/events/subscriptions/subscribed/+');
  });
  after(async () => {
    await observer.endAsync();
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('mosquitto_sub receives, with its user property, what mosquitto_pub publishes over MQTT 5', async () => {
    const sub = await onboardDevice(t, 'v5-sub', { name: 'all', document: ALLOW_ALL });
    const pub = await onboardDevice(t, 'v5-pub', { name: 'all', document: ALLOW_ALL });
    const ready = nextMessage(observer, '$aws/events/subscriptions/subscribed/v5-sub', 10_000);
    const child = spawn(
      'mosquitto_sub',
      [...tlsArgs(sub), '-i', 'v5-sub', '-t', 'v5/telemetry', '-q', '1', '-C', '1', '-W', '10', '-F', '%t %p %P'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await ready;
    await run('mosquitto_pub', [
      ...tlsArgs(pub),
      ...['-i', 'v5-pub', '-t', 'v5/telemetry', '-m', '{"temp":21.5}', '-q', '1'],
      ...['-D', 'publish', 'user-property', 'unit', 'celsius'],
    ]);
    assert.equal(await exited, 0);
    assert.equal(out.trim(), 'v5/telemetry {"temp":21.5} unit:celsius');
  });

  test('a publish the policy forbids is answered PUBACK "Not authorized" over MQTT 5', async () => {
    const dev = await onboardDevice(t, 'v5-scoped', {
      name: 'v5-scoped',
      document: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:Connection.Thing.ThingName}` },
          { Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/v5-scoped/*` },
        ],
      },
    });
    await run('mosquitto_pub', [...tlsArgs(dev), '-i', 'v5-scoped', '-t', 'v5-scoped/ok', '-m', '1', '-q', '1']);
    const refused = await run(
      'mosquitto_pub',
      [...tlsArgs(dev), '-i', 'v5-scoped', '-t', 'other/x', '-m', '1', '-q', '1'],
      {
        timeout: 8000,
      },
    ).then(
      (r) => r.stdout + r.stderr,
      (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
    );
    assert.match(refused, /not authori[sz]ed/i);
    // Connecting as another client id is refused with CONNACK "Not authorized".
    const wrongId = await run('mosquitto_pub', [...tlsArgs(dev), '-i', 'someone', '-t', 'v5-scoped/ok', '-m', '1'], {
      timeout: 8000,
    }).then(
      (r) => r.stdout + r.stderr,
      (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
    );
    assert.match(wrongId, /not authori[sz]ed/i);
  });
});
