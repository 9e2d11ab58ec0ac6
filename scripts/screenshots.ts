/**
 * `npx tsx scripts/screenshots.ts`: README screenshots of the main pages, taken from a real stack
 * (emulator + production build + Debian's Chromium) seeded with a small fleet and one live device.
 * Writes docs/screenshots/*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  CreateThingTypeCommand,
  IoTClient,
} from '@aws-sdk/client-iot';
import mqtt from 'mqtt';

import { shadowTopic } from '../lib/mqtt/reserved-topics';
import { thingScopedPolicyDocument } from '../lib/provisioning/default-template';
import { launchChromium } from './chromium';
import { startDashboardStack } from './dashboard-stack';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const OUT = path.resolve(import.meta.dirname, '../docs/screenshots');

const stack = await startDashboardStack();
const { emulator, next } = stack;
const iot = new IoTClient({ endpoint: emulator.urls.http, region: 'us-east-1', credentials: stack.credentials });
const browser = await launchChromium();
let device: mqtt.MqttClient | undefined;

try {
  // A small fleet: typed sensors with attributes, and one live device with a shadow.
  await iot.send(new CreateThingTypeCommand({ thingTypeName: 'env-sensor' }));
  for (let i = 1; i <= 8; i++) {
    await iot.send(
      new CreateThingCommand({
        thingName: `greenhouse-sensor-${String(i).padStart(2, '0')}`,
        thingTypeName: 'env-sensor',
        attributePayload: { attributes: { site: i <= 4 ? 'berlin' : 'lisbon', firmware: '2.4.1' } },
      }),
    );
  }
  const thingName = 'greenhouse-sensor-01';
  const cert = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
  await iot.send(
    new CreatePolicyCommand({
      policyName: 'thing-scoped',
      policyDocument: thingScopedPolicyDocument({ region: 'us-east-1', accountId: '123456789012' }),
    }),
  );
  await iot.send(new AttachPolicyCommand({ policyName: 'thing-scoped', target: cert.certificateArn }));
  await iot.send(new AttachThingPrincipalCommand({ thingName, principal: cert.certificateArn }));
  device = await mqtt.connectAsync(emulator.urls.mqtt, {
    clientId: thingName,
    cert: cert.certificatePem,
    key: cert.keyPair!.PrivateKey,
    ca: emulator.rootCaPem,
    reconnectPeriod: 0,
  });
  await device.publishAsync(
    shadowTopic(thingName, undefined, 'update'),
    JSON.stringify({ state: { reported: { temperature: 21.5, humidity: 48, fan: 'auto' } } }),
    { qos: 1 },
  );

  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.addCookies([{ name: stack.session.name, value: stack.session.value, url: next.url, httpOnly: true }]);
  const page = await context.newPage();
  const shots: [string, string][] = [
    ['things', '/things?refresh=1'],
    ['thing-detail', `/things/${thingName}`],
    ['onboard', '/onboard'],
    ['certificates', '/certificates'],
    ['policies', '/policies'],
    ['policy-new', '/policies/new'],
    ['shadow', `/things/${thingName}/shadow`],
    ['connection-check', `/things/${thingName}/check`],
    ['mqtt', '/mqtt'],
    ['cas', '/cas'],
    ['bulk', '/bulk'],
    ['settings', '/settings'],
  ];
  fs.mkdirSync(OUT, { recursive: true });
  for (const [name, route] of shots) {
    const res = await page.goto(`${next.url}${route}`);
    if (!res || res.status() >= 400) {
      console.log(`skip ${name}: ${route} answered ${res?.status()}`);
      continue;
    }
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(OUT, `${name}.png`) });
    console.log(`docs/screenshots/${name}.png`);
  }
} finally {
  await device?.endAsync().catch(() => {});
  await browser.close();
  iot.destroy();
  await stack.close();
}
