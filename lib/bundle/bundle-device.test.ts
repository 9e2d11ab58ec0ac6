/**
 * The bundle end to end: onboard a device on the local IoT Core through the control plane, build and zip its
 * local-mode bundle, unzip it as an operator would, and connect with the bundle's own config/mosquitto.sh
 * (real mosquitto clients, real mutual TLS, a real thing-scoped policy).
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { MqttClient } from 'mqtt';
import {
  ALLOW_ALL,
  connectDevice,
  nextMessage,
  onboardDevice,
  type DeviceCredentials,
} from '../../emulator/test/devices';
import { startTestEmulator, type TestEmulator } from '../../emulator/test/harness';
import { bundleFileName, bundleFiles } from './bundle';
import { zipBundle } from './zip';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const skip =
  !has('mosquitto_pub') || !has('mosquitto_sub') || !has('unzip')
    ? 'mosquitto-clients or unzip is not installed'
    : false;

const DEVICE_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: 'arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}' },
    {
      Effect: 'Allow',
      Action: ['iot:Publish', 'iot:Receive'],
      Resource: 'arn:aws:iot:*:*:topic/${iot:Connection.Thing.ThingName}/*',
    },
    {
      Effect: 'Allow',
      Action: 'iot:Subscribe',
      Resource: 'arn:aws:iot:*:*:topicfilter/${iot:Connection.Thing.ThingName}/*',
    },
  ],
};

describe('a downloaded bundle connects to the local IoT Core', { skip }, () => {
  let t: TestEmulator;
  let dir: string;
  let device: DeviceCredentials;
  let observer: MqttClient;
  let folder: string;
  const thingName = `bundle-e2e:${process.pid}_${Date.now().toString(36)}`;

  before(async () => {
    t = await startTestEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-e2e-'));
    device = await onboardDevice(t, thingName, { name: `bundle-e2e-${process.pid}`, document: DEVICE_POLICY });
    const watcher = await onboardDevice(t, `watcher-${process.pid}`, {
      name: `bundle-e2e-all-${process.pid}`,
      document: ALLOW_ALL,
    });
    observer = await connectDevice(t, watcher, watcher.thingName);
    await observer.subscribeAsync(`${thingName}/telemetry`);

    const files = bundleFiles({
      thingName,
      endpoint: 'localhost',
      port: t.emulator.config.mqttPort,
      mode: 'local',
      region: t.emulator.config.region,
      certificateId: device.certificateId,
      certificatePem: device.certPem,
      privateKeyPem: device.keyPem,
      rootCa: {
        fileName: 'local-iot-core-root-ca.pem',
        pem: device.caPem,
        description: "The local IoT Core's root CA.",
      },
      policyName: `bundle-e2e-${process.pid}`,
    });
    const zipFile = path.join(dir, bundleFileName(thingName));
    fs.writeFileSync(zipFile, zipBundle(files));
    execFileSync('unzip', ['-q', zipFile, '-d', dir]);
    folder = path.join(dir, files[0]!.path.split('/')[0]!);
  });

  after(async () => {
    observer?.end(true);
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('config/mosquitto.sh pub publishes to the telemetry topic as the thing', async () => {
    const received = nextMessage(observer, `${thingName}/telemetry`, 10_000);
    // Asynchronously: the emulator runs in this process and must keep answering while the script runs.
    const r = await promisify(execFile)(path.join(folder, 'config', 'mosquitto.sh'), ['pub'], {
      cwd: os.tmpdir(),
      timeout: 15_000,
    });
    assert.match(r.stdout, /Published to /);
    const message = await received;
    assert.deepEqual(JSON.parse(message.payload.toString('utf8')), { thingName, message: 'Hello from the device' });
  });

  test('config/mosquitto.sh sub receives what is published to the telemetry topic', async () => {
    // Its own process group, so the shell and the mosquitto_sub it starts are stopped together.
    const child = spawn(path.join(folder, 'config', 'mosquitto.sh'), ['sub'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const deadline = Date.now() + 10_000;
      // Publish until the subscriber, once connected and subscribed, prints a message.
      while (!out.includes('"n"') && Date.now() < deadline) {
        await observer.publishAsync(`${thingName}/telemetry`, JSON.stringify({ n: 1 }), { qos: 1 });
        await new Promise((r) => setTimeout(r, 300));
      }
      assert.match(
        out,
        new RegExp(`^${thingName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/telemetry \\{"n":1\\}$`, 'm'),
        `stderr: ${err}`,
      );
    } finally {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    }
  });

  test('the bundle names the thing as client id: another client id is refused by the thing-scoped policy', async () => {
    await assert.rejects(connectDevice(t, device, `${thingName}-other`));
  });
});
