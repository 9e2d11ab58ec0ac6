import { randomBytes } from 'node:crypto';

import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';
import mqtt, { type MqttClient } from 'mqtt';

import { parseCsv } from '../lib/csv/csv';
import { makeKeyAndCsr } from '../emulator/test/devices';
import { emulatorAdmin, expect, test } from './fixtures';
import { MqttPage } from './pages/mqtt-page';
import { E2E_ENV, requireEnv } from './stack';

const emulatorUrl = () => requireEnv(E2E_ENV.emulatorUrl);

/**
 * A device onboarded through the SDK (thing, certificate from a CSR, policy, attachment), connected
 * over mutual TLS with mqtt.js, exactly as firmware holding a credential bundle would.
 */
async function connectDevice(iot: IoTClient, thingName: string): Promise<MqttClient> {
  await iot.send(new CreateThingCommand({ thingName }));
  const { keyPem, csrPem } = await makeKeyAndCsr(thingName);
  const cert = await iot.send(
    new CreateCertificateFromCsrCommand({ certificateSigningRequest: csrPem, setAsActive: true }),
  );
  const policyName = `${thingName}-policy`;
  const region = requireEnv(E2E_ENV.region);
  const arn = (kind: string, rest: string) => `arn:aws:iot:${region}:*:${kind}/${rest}`;
  await iot.send(
    new CreatePolicyCommand({
      policyName,
      policyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'iot:Connect', Resource: arn('client', thingName) },
          { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: arn('topic', `${thingName}/*`) },
          { Effect: 'Allow', Action: 'iot:Subscribe', Resource: arn('topicfilter', `${thingName}/*`) },
        ],
      }),
    }),
  );
  await iot.send(new AttachPolicyCommand({ policyName, target: cert.certificateArn }));
  await iot.send(new AttachThingPrincipalCommand({ thingName, principal: cert.certificateArn }));

  const ca = await (await fetch(`${emulatorUrl()}/_emulator/root-ca.pem`)).text();
  const { mqttPort } = (await (await fetch(`${emulatorUrl()}/_emulator/health`)).json()) as { mqttPort: number };
  const client = mqtt.connect(`mqtts://localhost:${mqttPort}`, {
    clientId: thingName,
    cert: cert.certificatePem!,
    key: keyPem,
    ca,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
    client.once('close', () => reject(new Error(`${thingName} could not connect`)));
  });
  return client;
}

async function connectedClients(): Promise<string[]> {
  const res = await emulatorAdmin('clients');
  return ((await res.json()) as { clientIds: string[] }).clientIds;
}

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

test.describe('MQTT test client', () => {
  test('the presets follow the thing’s bundle: the topic its policy lets it publish to', async ({ page, iot }) => {
    const thingName = unique('mqtt-preset');
    await iot.send(new CreateThingCommand({ thingName }));
    const cert = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    const policyName = `${thingName}-policy`;
    const arn = (rest: string) => `arn:aws:iot:${requireEnv(E2E_ENV.region)}:*:${rest}`;
    await iot.send(
      new CreatePolicyCommand({
        policyName,
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'iot:Connect', Resource: arn(`client/${thingName}`) },
            {
              Effect: 'Allow',
              Action: 'iot:Publish',
              Resource: arn('topic/fleet/${iot:Connection.Thing.ThingName}/up'),
            },
          ],
        }),
      }),
    );
    await iot.send(new AttachPolicyCommand({ policyName, target: cert.certificateArn }));
    await iot.send(new AttachThingPrincipalCommand({ thingName, principal: cert.certificateArn }));

    const mqttPage = new MqttPage(page);
    await mqttPage.goto();
    await mqttPage.thingName.fill(thingName);
    await page.getByRole('button', { name: `Subscribe to fleet/${thingName}/up` }).click();
    await expect(mqttPage.subscription(`fleet/${thingName}/up`)).toBeVisible();
  });

  let device: MqttClient | undefined;
  test.afterEach(async () => {
    await device?.endAsync();
    device = undefined;
  });

  test('a device publishes and the message appears with its topic and pretty JSON; the page publishes to the device', async ({
    page,
    iot,
  }) => {
    const thing = unique('mqtt-dev');
    device = await connectDevice(iot, thing);
    const mqttPage = new MqttPage(page);
    await mqttPage.goto();
    await expect(mqttPage.heading).toBeVisible();

    // The {thing}/sensors preset, at QoS 1.
    await page.getByLabel('Subscription QoS').selectOption('1');
    await mqttPage.thingName.fill(thing);
    // The topic its bundle publishes on (its policy allows <thing>/*) is offered beside the sensors topic.
    await expect(page.getByRole('button', { name: `Subscribe to ${thing}/telemetry` })).toBeVisible();
    await page.getByRole('button', { name: `Subscribe to ${thing}/sensors` }).click();
    await expect(mqttPage.subscription(`${thing}/sensors`)).toBeVisible();
    await expect(page.getByText(`Subscribed to ${thing}/sensors`)).toBeVisible();

    await device.publishAsync(`${thing}/sensors`, JSON.stringify({ temperature: 21.5, unit: 'C', tags: ['a'] }), {
      qos: 1,
    });
    const row = mqttPage.rowsFor(`${thing}/sensors`);
    await expect(row).toHaveCount(1);
    await expect(row.locator('pre')).toHaveText(JSON.stringify({ temperature: 21.5, unit: 'C', tags: ['a'] }, null, 2));
    await expect(row).toContainText('QoS 1');
    // The whole message, in the details pane.
    await row.getByRole('button', { name: `${thing}/sensors` }).click();
    await expect(page.getByRole('region', { name: 'Message details' })).toContainText('"temperature": 21.5');

    // Publishing from the page reaches the device.
    await device.subscribeAsync(`${thing}/commands`, { qos: 1 });
    const received = new Promise<{ topic: string; payload: string }>((resolve) => {
      device!.on('message', (topic, payload) => resolve({ topic, payload: payload.toString() }));
    });
    await mqttPage.publish(`${thing}/commands`, '{"led": "on"}');
    await expect(page.getByText(`Published to ${thing}/commands`)).toBeVisible();
    expect(await received).toEqual({ topic: `${thing}/commands`, payload: '{"led": "on"}' });
  });

  test('an invalid filter and invalid JSON are refused with clear messages', async ({ page }) => {
    const mqttPage = new MqttPage(page);
    await mqttPage.goto();

    await mqttPage.filter.fill('a/#/b');
    await expect(mqttPage.filterError).toHaveText('# must be a whole level and the last one.');
    await mqttPage.subscribeButton.click();
    await expect(mqttPage.filterError).toHaveText('# must be a whole level and the last one.');
    await expect(mqttPage.subscriptions).toHaveCount(0);
    await mqttPage.filter.fill('a/b+');
    await expect(mqttPage.filterError).toHaveText('+ must be a whole level.');
    await mqttPage.filter.fill('a/+/b');
    await expect(mqttPage.filterError).toBeEmpty();

    await mqttPage.publish('some/topic', '{"a": 1,');
    await expect(mqttPage.payloadError).toContainText('The payload is not valid JSON');
    await expect(mqttPage.payloadError).toContainText('line 1');
    await expect(page.getByText('Published to some/topic')).toHaveCount(0);
    // Raw text sends the same characters as they are.
    await page.getByLabel('Raw text').check();
    await expect(mqttPage.payloadError).toBeEmpty();

    await mqttPage.publishTopic.fill('a/+/b');
    await expect(page.locator('#mqtt-publish-topic-error')).toHaveText(
      'A topic name cannot contain the wildcards + or #.',
    );
  });

  test('pause stops new rows and resume shows them; export holds exactly the messages shown', async ({ page, iot }) => {
    const thing = unique('mqtt-dev');
    device = await connectDevice(iot, thing);
    const mqttPage = new MqttPage(page);
    await mqttPage.goto();
    await mqttPage.subscribe(`${thing}/#`, 1);

    const send = (n: number, topic = `${thing}/data`) =>
      device!.publishAsync(topic, JSON.stringify({ n, note: `line, with "quotes"\nand a break` }), { qos: 1 });
    for (let n = 1; n <= 3; n++) await send(n);
    await expect(mqttPage.rows).toHaveCount(3);

    await mqttPage.pause.click();
    await expect(page.getByText(/Paused: new messages are kept/)).toBeVisible();
    await send(4);
    await send(5, `${thing}/other`);
    await expect(page.getByText('(2 so far)')).toBeVisible();
    await expect(mqttPage.rows).toHaveCount(3);
    await mqttPage.resume.click();
    await expect(mqttPage.rows).toHaveCount(5);
    await send(6);
    await expect(mqttPage.rows).toHaveCount(6);

    // Search narrows what is shown; the export holds exactly that, newest first.
    await mqttPage.search.fill('/data');
    await expect(mqttPage.rows).toHaveCount(5);
    const json = await mqttPage.export('JSON');
    expect(json.name).toMatch(/\.json$/);
    const exported = JSON.parse(json.text) as {
      topic: string;
      payload: string;
      qos: number;
      retain: boolean;
      receivedAt: string;
    }[];
    expect(exported.map((m) => (JSON.parse(m.payload) as { n: number }).n)).toEqual([6, 4, 3, 2, 1]);
    expect(exported.every((m) => m.topic === `${thing}/data` && m.qos === 1 && m.retain === false)).toBe(true);
    expect(exported.every((m) => !Number.isNaN(Date.parse(m.receivedAt)))).toBe(true);

    const csv = await mqttPage.export('CSV');
    expect(csv.name).toMatch(/\.csv$/);
    const [header, ...records] = parseCsv(csv.text).map((r) => r.fields);
    expect(header).toEqual(['receivedAt', 'topic', 'qos', 'retain', 'encoding', 'payload']);
    expect(records).toEqual(exported.map((m) => [m.receivedAt, m.topic, '1', 'false', 'utf8', m.payload]));

    await mqttPage.search.fill('');
    await expect(mqttPage.rows).toHaveCount(6);

    // Pausing one subscription hides its messages while another keeps showing its own.
    await mqttPage.subscribe(`${thing}/other`, 1);
    await page.getByRole('button', { name: `Pause ${thing}/#` }).click();
    await send(7); // only ${thing}/# matches: hidden
    await send(8, `${thing}/other`); // sent after 7 on the same connection, so 7 would be there by now
    await expect(mqttPage.rowsFor(`${thing}/other`)).toHaveCount(2);
    await expect(mqttPage.rows).toHaveCount(7);
    await page.getByRole('button', { name: `Resume ${thing}/#` }).click();

    await mqttPage.clear.click();
    await expect(mqttPage.rows).toHaveCount(0);
    await expect(page.getByText('No messages yet.')).toBeVisible();
  });

  test('a closed tab leaves no MQTT session behind on the broker', async ({ context }) => {
    const page = await context.newPage();
    const mqttPage = new MqttPage(page);
    await mqttPage.goto();
    await mqttPage.subscribe(unique('mqtt-leak') + '/#');
    const clientId = await mqttPage.clientId();
    expect(await connectedClients()).toContain(clientId);

    await page.close();
    await expect.poll(connectedClients, { timeout: 10_000 }).not.toContain(clientId);
    // And no other dashboard session of this test lingers.
    expect((await connectedClients()).filter((c) => c === clientId)).toEqual([]);
  });
});
