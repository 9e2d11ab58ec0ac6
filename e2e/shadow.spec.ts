import type { IoTClient } from '@aws-sdk/client-iot';
import {
  GetThingShadowCommand,
  IoTDataPlaneClient,
  ListNamedShadowsForThingCommand,
  UpdateThingShadowCommand,
} from '@aws-sdk/client-iot-data-plane';
import type { MqttClient } from 'mqtt';

import { expect, test } from './fixtures';
import { ShadowPage } from './pages/shadow-page';
import { arrangeDevice as arrangeE2eDevice } from './support/device';
import { E2E_ENV, requireEnv } from './stack';

/**
 * The shadow page against a real device: a thing, a certificate and a policy made through the SDK, and an
 * mqtt.js client holding them over mutual TLS, exactly as a device in the field would.
 */

const emulatorUrl = () => requireEnv(E2E_ENV.emulatorUrl);

function dataPlane(): IoTDataPlaneClient {
  return new IoTDataPlaneClient({
    region: requireEnv(E2E_ENV.region),
    endpoint: emulatorUrl(),
    credentials: { accessKeyId: 'AKIAE2ETESTS00000000', secretAccessKey: 'e2e-throwaway-secret' },
  });
}

interface Device {
  thingName: string;
  client: MqttClient;
  /** Publishes a reported state and waits for the service to accept it. */
  report(reported: object): Promise<void>;
  cleanup(): Promise<void>;
}

/** A device allowed its own shadow topics, subscribed to its update answers. */
async function arrangeDevice(iot: IoTClient, label: string): Promise<Device> {
  const device = await arrangeE2eDevice(iot, `shadow-${label}`, ['$aws/things/{thing}/shadow/*']);
  const { client, thingName } = device;
  const prefix = `$aws/things/${thingName}/shadow`;
  await client.subscribeAsync([`${prefix}/update/accepted`, `${prefix}/update/rejected`], { qos: 1 });
  return {
    thingName,
    client,
    async report(reported) {
      const done = nextMessage(client, [`${prefix}/update/accepted`, `${prefix}/update/rejected`]);
      await client.publishAsync(`${prefix}/update`, JSON.stringify({ state: { reported } }), { qos: 1 });
      const reply = await done;
      if (reply.topic.endsWith('rejected')) throw new Error(`report rejected: ${reply.payload}`);
    },
    cleanup: device.cleanup,
  };
}

/** The next message on one of `topics`, or a rejection after `ms`. */
function nextMessage(client: MqttClient, topics: string[], ms = 10_000): Promise<{ topic: string; payload: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`no message on ${topics.join(', ')} within ${ms} ms`));
    }, ms);
    const onMessage = (topic: string, payload: Buffer) => {
      if (!topics.includes(topic)) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve({ topic, payload: payload.toString('utf8') });
    };
    client.on('message', onMessage);
  });
}

async function readShadow(thingName: string, shadowName?: string) {
  const client = dataPlane();
  try {
    const out = await client.send(new GetThingShadowCommand({ thingName, shadowName }));
    return JSON.parse(new TextDecoder().decode(out.payload)) as {
      state: { desired?: Record<string, unknown>; reported?: Record<string, unknown> };
      version: number;
    };
  } finally {
    client.destroy();
  }
}

test.describe('Shadow page', () => {
  let device: Device | undefined;
  test.afterEach(async () => {
    await device?.cleanup();
    device = undefined;
  });

  test('the device reports and the page updates live, with the diff in Activity', async ({ page, iot }) => {
    device = await arrangeDevice(iot, 'live');
    await device.report({ temperature: 21, led: 'off' });
    const shadow = new ShadowPage(page);

    await shadow.goto(device.thingName);
    await expect(shadow.cell('temperature', 'reported')).toContainText('21');
    await expect(shadow.live).toBeVisible(); // subscribed to the thing's shadow topics

    await device.report({ temperature: 22.5, fan: { speed: 2 } });

    // No reload: the documents message updates the table and adds a readable diff to Activity.
    await expect(shadow.cell('temperature', 'reported')).toContainText('22.5');
    await expect(shadow.cell('fan.speed', 'reported')).toContainText('2');
    const entry = shadow.activityList.getByRole('listitem').filter({ hasText: 'version 1 → 2' });
    await expect(entry).toContainText('reported.temperature: 21 → 22.5');
    await expect(entry).toContainText('+ reported.fan.speed: 2');
    await expect(page.getByText('Version 2', { exact: true })).toBeVisible();
  });

  test('the operator edits desired and the device receives the delta', async ({ page, iot }) => {
    device = await arrangeDevice(iot, 'delta');
    await device.report({ led: 'off', mode: 'auto' });
    const deltaTopic = `$aws/things/${device.thingName}/shadow/update/delta`;
    await device.client.subscribeAsync(deltaTopic, { qos: 1 });
    const shadow = new ShadowPage(page);

    await shadow.goto(device.thingName);
    await expect(shadow.desiredEditor).toHaveValue('{}');
    const delta = nextMessage(device.client, [deltaTopic]);
    await shadow.editDesired('{\n  "led": "on",\n  "mode": "auto"\n}');
    await shadow.saveDesired.click();

    await expect(page.getByText('Desired state saved (version 2).').first()).toBeVisible();
    const received = JSON.parse((await delta).payload) as { state: Record<string, unknown>; version: number };
    expect(received.state).toEqual({ led: 'on' }); // mode already matches what the device reported
    expect(received.version).toBe(2);
    await expect(shadow.cell('led', 'delta')).toContainText('"on"');
    await expect(shadow.cell('mode', 'delta')).toContainText('in sync');
    // A field the device reports that nobody asked a value for is not "in sync" with anything.
    await device.report({ battery: 80 });
    await expect(shadow.cell('battery', 'delta')).toHaveText('no desired value');
  });

  test('a change made after the page loaded is a clear conflict, not a silent overwrite', async ({ page, iot }) => {
    device = await arrangeDevice(iot, 'conflict');
    await device.report({ led: 'off' });
    const shadow = new ShadowPage(page);
    await shadow.goto(device.thingName);
    await expect(shadow.cell('led', 'reported')).toContainText('off');

    await shadow.editDesired('{"led": "on"}');
    // Someone else changes the shadow meanwhile.
    const other = dataPlane();
    try {
      await other.send(
        new UpdateThingShadowCommand({
          thingName: device.thingName,
          payload: new TextEncoder().encode(JSON.stringify({ state: { desired: { mode: 'eco' } } })),
        }),
      );
    } finally {
      other.destroy();
    }
    await shadow.saveDesired.click();

    await expect(
      page.getByText(
        'Someone changed this shadow since you loaded it (version 1 → 2). Reload to see their change, then apply yours again.',
      ),
    ).toBeVisible();
    const stored = await readShadow(device.thingName);
    expect(stored.version).toBe(2);
    expect(stored.state.desired).toEqual({ mode: 'eco' });

    // Loading the latest version brings their change into the editor.
    await page.getByRole('button', { name: /Load the latest version/ }).click();
    await expect(shadow.desiredEditor).toHaveValue(/"mode": "eco"/);
  });

  test('invalid JSON in the editor is refused with a clear message', async ({ page, iot }) => {
    device = await arrangeDevice(iot, 'invalid');
    await device.report({ led: 'off' });
    const shadow = new ShadowPage(page);
    await shadow.goto(device.thingName);

    await shadow.editDesired('{"led": on}');
    await shadow.saveDesired.click();
    // One message for the one mistake: where it is and what is wrong, not also a server copy of it.
    await expect(page.getByText('The desired state was not sent: see the message under the editor.')).toBeVisible();
    const desiredError = page.locator('#desired-error');
    await expect(desiredError).toContainText("Line 1, column 9: Unexpected word 'on'");
    expect((await desiredError.textContent())?.match(/Line 1, column 9/g)).toHaveLength(1);

    await shadow.editDesired('[1, 2]');
    await shadow.saveDesired.click();
    await expect(
      page.getByText('The desired state must be a JSON object ({ ... }), not a list or a single value.'),
    ).toBeVisible();

    await shadow.editDesired('{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}');
    await shadow.saveDesired.click();
    await expect(page.getByText(/nested 7 levels deep; AWS IoT allows at most 6/)).toBeVisible();

    const stored = await readShadow(device.thingName);
    expect(stored.version).toBe(1);
    expect(stored.state.desired).toBeUndefined();
  });

  test('a named shadow can be created, shows in the list, and delete removes it', async ({ page, iot }) => {
    device = await arrangeDevice(iot, 'named');
    const shadow = new ShadowPage(page);
    await shadow.goto(device.thingName);
    await expect(shadow.noShadow).toContainText(`$aws/things/${device.thingName}/shadow/update`);

    await shadow.newNamedShadow.click();
    await page.getByLabel('Shadow name').fill('bad name');
    await page.getByLabel('Initial desired state').fill('{}');
    await page.getByRole('button', { name: 'Create shadow' }).click();
    await expect(page.getByText('A shadow name can use letters, digits, and $ : _ - only')).toBeVisible();

    await page.getByLabel('Shadow name').fill('config');
    await page.getByLabel('Initial desired state').fill('{"interval": 30}');
    await page.getByRole('button', { name: 'Create shadow' }).click();

    await expect(page).toHaveURL(/\?shadow=config/);
    await expect(shadow.shadowLink('config')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('heading', { name: 'Named shadow "config"' })).toBeVisible();
    await expect(shadow.cell('interval', 'desired')).toContainText('30');
    expect((await readShadow(device.thingName, 'config')).state.desired).toEqual({ interval: 30 });

    await shadow.deleteCurrentShadow();
    await expect(page).not.toHaveURL(/shadow=config/);
    await expect(shadow.shadowLink('config')).toHaveCount(0);
    const client = dataPlane();
    try {
      const list = await client.send(new ListNamedShadowsForThingCommand({ thingName: device.thingName }));
      expect(list.results ?? []).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  test('a thing without a shadow can be given one from its empty state', async ({ page, iot }) => {
    device = await arrangeDevice(iot, 'empty');
    const shadow = new ShadowPage(page);
    await shadow.goto(device.thingName);

    await page.getByLabel('Desired state to create it with').fill('{"led": "on"}');
    await page.getByRole('button', { name: 'Create with this desired state' }).click();

    await expect(shadow.cell('led', 'desired')).toContainText('"on"');
    await expect(shadow.cell('led', 'delta')).toContainText('"on"');
    expect((await readShadow(device.thingName)).version).toBe(1);
  });
});
