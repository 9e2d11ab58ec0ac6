import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { GetThingShadowCommand, IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';

import { shQuote } from '../lib/bundle/escape';
import { POLICY_TEMPLATES } from '../lib/policies/templates';
import { emulatorClient, expect, test } from './fixtures';
import { OnboardPage } from './pages/onboard-page';
import { E2E_ENV, requireEnv } from './stack';
import { arrangeDevice, type E2eDevice } from './support/device';
import { tempDir } from './support/mosquitto';
import { fileNamed, readDownloadedZip } from './support/zip';

/**
 * Bundles that match their policy: a device onboarded with each policy template gets a bundle whose summary,
 * README, device.json, SDK snippets and mosquitto.sh all name a topic that template lets it publish to, and the
 * bundle's own `config/mosquitto.sh pub` publishes there against the local IoT Core (mutual TLS, the template's
 * policy): exit 0 after the broker's PUBACK. A watcher subscribed to `#` sees the message where the broker delivers
 * it (ordinary topics); the shadow template's message lands in the device's shadow.
 */

const run = Date.now().toString(36);

function sh(script: string, args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', [script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** Writes the bundle's files as unzip would (the key 0600), outside the working tree. */
async function writeBundle(dir: string, files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    if (file.endsWith('/')) continue;
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content, { mode: file.endsWith('private.pem.key') ? 0o600 : 0o644 });
  }
}

test.describe('bundles follow their policy template', () => {
  test.describe.configure({ timeout: 240_000 });

  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let watcher: E2eDevice;
  const seen: { topic: string; payload: string }[] = [];

  test.beforeAll(async () => {
    tmp = await tempDir('bundle-topics');
    // A second device allowed every ordinary topic: it sees what the broker delivers.
    const iot = emulatorClient();
    watcher = await arrangeDevice(iot, 'watch', ['*']);
    watcher.client.on('message', (topic, payload) => seen.push({ topic, payload: payload.toString() }));
    await watcher.client.subscribeAsync('#', { qos: 1 });
  });
  test.afterAll(async () => {
    await watcher?.cleanup();
    await tmp?.remove();
  });

  test('every template’s bundle publishes with its own mosquitto.sh', async ({ page }) => {
    const onboard = new OnboardPage(page);
    for (const template of POLICY_TEMPLATES) {
      const thingName = `e2e-tpl-${template.id}-${run}`;
      await onboard.goto();
      await onboard.fill({ thingName });
      await page.getByLabel('Template', { exact: true }).selectOption(template.id);
      const download = await onboard.onboardAndDownload();
      const summary = onboard.summary(thingName);
      await expect(summary).toBeVisible();

      const files = await readDownloadedZip(download);
      const device = JSON.parse(fileNamed(files, 'config/device.json')) as { topics: { telemetry: string } };
      const topic = device.topics.telemetry;
      // The summary, README, SDK snippets and script all name the same topic: the template's.
      await expect(summary.getByText(topic, { exact: true })).toBeVisible();
      expect(fileNamed(files, 'README.md'), template.id).toContain(`| Publish topic | \`${topic}\``);
      expect(fileNamed(files, 'config/mosquitto.sh')).toContain(`DEFAULT_TOPIC=${shQuote(topic)}\n`);
      expect(fileNamed(files, 'config/aws-iot-device-sdk-python.py')).toContain(`TOPIC = ${JSON.stringify(topic)}`);
      expect(fileNamed(files, 'config/aws-iot-device-sdk-js.js')).toContain(`const TOPIC = ${JSON.stringify(topic)};`);
      if (template.id !== 'thing-scoped' && template.id !== 'freertos-dev' && template.id !== 'sparkfun-datalogger')
        expect(topic, `${template.id} is not the fixed default`).not.toBe(`${thingName}/telemetry`);

      const dir = path.join(tmp.dir, template.id);
      await writeBundle(dir, files);
      const before = seen.length;
      const pub = await sh('config/mosquitto.sh', ['pub'], path.join(dir, thingName));
      expect(pub.code, `${template.id}: mosquitto.sh pub said: ${pub.out}`).toBe(0);
      expect(pub.out).toContain(`Published to ${topic}`);

      if (topic.startsWith('$aws/things/')) {
        // The shadow template publishes a reported state: the shadow service took it.
        const data = new IoTDataPlaneClient({
          region: requireEnv(E2E_ENV.region),
          endpoint: requireEnv(E2E_ENV.emulatorUrl),
          credentials: { accessKeyId: 'AKIAE2ETESTS00000000', secretAccessKey: 'e2e-throwaway-secret' },
        });
        const shadow = await data.send(new GetThingShadowCommand({ thingName }));
        const body = JSON.parse(new TextDecoder().decode(shadow.payload)) as { state: { reported?: object } };
        expect(body.state.reported).toEqual({ message: 'Hello from the device' });
        data.destroy();
      } else if (!topic.startsWith('$')) {
        await expect.poll(() => seen.slice(before).find((m) => m.topic === topic)?.payload).toContain(thingName);
      }
    }
  });
});
