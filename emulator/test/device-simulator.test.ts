import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { UpdateCertificateCommand } from '@aws-sdk/client-iot';
import { GetThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import type { MqttClient } from 'mqtt';
import { bundleFiles, zipBundle, type BundleFile } from '../../lib/bundle';
import { ALLOW_ALL, connectDevice, onboardDevice, type DeviceCredentials } from './devices';
import { startTestEmulator, TEST_CREDENTIALS, type TestEmulator } from './harness';

/**
 * `npm run device` against a real emulator: bundles built by lib/bundle for devices onboarded through the SDK,
 * the simulator spawned as a separate process, and what it did checked from the outside (an observer mqtt.js
 * client and GetThingShadow).
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const thing = '${iot:Connection.Thing.ThingName}';
const DEVICE_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: `arn:aws:iot:*:*:client/${thing}` },
    {
      Effect: 'Allow',
      Action: ['iot:Publish', 'iot:Receive'],
      Resource: [`arn:aws:iot:*:*:topic/${thing}/*`, `arn:aws:iot:*:*:topic/$aws/things/${thing}/shadow/*`],
    },
    {
      Effect: 'Allow',
      Action: 'iot:Subscribe',
      Resource: [`arn:aws:iot:*:*:topicfilter/${thing}/*`, `arn:aws:iot:*:*:topicfilter/$aws/things/${thing}/shadow/*`],
    },
  ],
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runSimulator(
  args: string[],
  opts: { onLine?: (line: string) => void; timeoutMs?: number } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/device.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) opts.onLine?.(line);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`simulator still running after ${opts.timeoutMs ?? 30_000} ms\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('device simulator (npm run device)', () => {
  let t: TestEmulator;
  let observer: MqttClient;
  let data: IoTDataPlaneClient;
  let dir: string;
  const messages: { topic: string; payload: string }[] = [];

  const port = () => Number(new URL(t.emulator.urls.mqtt).port);
  const files = (creds: DeviceCredentials, withKey = true): BundleFile[] =>
    bundleFiles({
      thingName: creds.thingName,
      endpoint: t.emulator.config.endpointHost,
      port: port(),
      mode: 'local',
      region: t.emulator.config.region,
      certificateId: creds.certificateId,
      certificatePem: creds.certPem,
      privateKeyPem: withKey ? creds.keyPem : undefined,
      rootCa: { fileName: 'root-ca.pem', pem: t.emulator.rootCaPem, description: 'the emulator root' },
    });
  const writeZip = (name: string, list: BundleFile[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, zipBundle(list));
    return file;
  };
  const reported = async (thingName: string) => {
    const out = await data.send(new GetThingShadowCommand({ thingName }));
    return JSON.parse(new TextDecoder().decode(out.payload)).state?.reported as Record<string, unknown> | undefined;
  };

  before(async () => {
    t = await startTestEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'device-sim-'));
    data = new IoTDataPlaneClient({
      endpoint: t.url,
      region: t.emulator.config.region,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    const obs = await onboardDevice(t, 'sim-observer', { name: 'sim-allow-all', document: ALLOW_ALL });
    observer = await connectDevice(t, obs, 'sim-observer');
    await observer.subscribeAsync(['+/telemetry']);
    observer.on('message', (topic, payload) => messages.push({ topic, payload: payload.toString() }));
  });
  after(async () => {
    observer?.end(true);
    data?.destroy();
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('--once connects over mTLS, publishes telemetry and reports the shadow', async () => {
    const creds = await onboardDevice(t, 'sim-one', { name: 'sim-device-policy', document: DEVICE_POLICY });
    const run = await runSimulator([writeZip('sim-one.zip', files(creds)), '--once']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /\[sim-one\] connected/);
    const telemetry = messages.find((m) => m.topic === 'sim-one/telemetry');
    assert.ok(telemetry, 'the observer saw the telemetry');
    const body = JSON.parse(telemetry.payload);
    assert.equal(body.thingName, 'sim-one');
    assert.equal(body.counter, 1);
    assert.equal(typeof body.temperature, 'number');
    assert.equal(typeof body.timestamp, 'number');
    const state = await reported('sim-one');
    assert.equal(state?.firmware, 'device-simulator');
  });

  test('--count 3 runs every device of a bulk zip', async () => {
    const list: BundleFile[] = [];
    for (const n of ['sim-bulk-a', 'sim-bulk-b', 'sim-bulk-c']) {
      list.push(...files(await onboardDevice(t, n, { name: 'sim-device-policy', document: DEVICE_POLICY })));
    }
    list.push({ path: 'manifest.csv', content: 'thingName\nsim-bulk-a\nsim-bulk-b\nsim-bulk-c\n' });
    const run = await runSimulator([writeZip('bulk.zip', list), '--once', '--count', '3']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /3 of 3 devices connected/);
    for (const n of ['sim-bulk-a', 'sim-bulk-b', 'sim-bulk-c']) {
      assert.ok(
        messages.some((m) => m.topic === `${n}/telemetry`),
        `telemetry from ${n}`,
      );
      assert.equal((await reported(n))?.firmware, 'device-simulator');
    }
  });

  test('a desired change made through the data plane reaches the device and is reported back', async () => {
    const creds = await onboardDevice(t, 'sim-live', { name: 'sim-device-policy', document: DEVICE_POLICY });
    let subscribed!: () => void;
    const ready = new Promise<void>((r) => (subscribed = r));
    const running = runSimulator([writeZip('sim-live.zip', files(creds)), '--interval', '0.5', '--duration', '6'], {
      onLine: (line) => {
        if (/asked for the shadow/.test(line)) subscribed();
      },
    });
    await ready;
    await data.send(
      new UpdateThingShadowCommand({
        thingName: 'sim-live',
        payload: JSON.stringify({ state: { desired: { led: 'on', check: 'n-123' } } }),
      }),
    );
    const deadline = Date.now() + 5000;
    let state = await reported('sim-live');
    while (state?.check !== 'n-123' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      state = await reported('sim-live');
    }
    assert.equal(state?.check, 'n-123');
    assert.equal(state?.led, 'on');
    const run = await running;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /desired change received/);
    assert.match(run.stdout, /disconnected/);
    assert.ok(
      messages.filter((m) => m.topic === 'sim-live/telemetry').length >= 3,
      'telemetry kept coming every interval',
    );
  });

  test('plain errors: no private key, not a zip, an inactive certificate, no policy', async () => {
    const creds = await onboardDevice(t, 'sim-bad', { name: 'sim-device-policy', document: DEVICE_POLICY });
    const noKey = await runSimulator([writeZip('no-key.zip', files(creds, false)), '--once']);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /downloaded again later and has no private key/);

    const junk = path.join(dir, 'junk.zip');
    fs.writeFileSync(junk, 'not a zip');
    const notZip = await runSimulator([junk, '--once']);
    assert.equal(notZip.code, 2);
    assert.match(notZip.stderr, /Cannot read junk.zip as a zip file/);

    const inactive = await onboardDevice(t, 'sim-inactive', { name: 'sim-device-policy', document: DEVICE_POLICY });
    await t.iot.send(new UpdateCertificateCommand({ certificateId: inactive.certificateId, newStatus: 'INACTIVE' }));
    const refused = await runSimulator([writeZip('inactive.zip', files(inactive)), '--once']);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /certificate is not ACTIVE or not registered|certificate not ACTIVE or not registered/,
    );

    const bare = await onboardDevice(t, 'sim-no-policy');
    const noPolicy = await runSimulator([writeZip('no-policy.zip', files(bare)), '--once']);
    assert.equal(noPolicy.code, 1);
    assert.match(noPolicy.stderr, /Connect refused by policy|iot:Connect for client id sim-no-policy/);
  });
});
