import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import type { MqttClient } from 'mqtt';
import { connectDevice, nextMessage, onboardDevice } from './devices';
import { startTestEmulator, TEST_CREDENTIALS, type TestEmulator } from './harness';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decode = (bytes: Uint8Array | Buffer | undefined) =>
  JSON.parse(new TextDecoder().decode(bytes)) as Record<string, any>;

/**
 * The policy a real shadow device gets: connect as its thing name, publish and receive on its own shadow
 * topics only (`${iot:Connection.Thing.ThingName}`), subscribe to its own shadow filters.
 */
const SHADOW_DEVICE_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: 'arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}' },
    {
      Effect: 'Allow',
      Action: ['iot:Publish', 'iot:Receive'],
      Resource: 'arn:aws:iot:*:*:topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*',
    },
    {
      Effect: 'Allow',
      Action: 'iot:Subscribe',
      Resource: 'arn:aws:iot:*:*:topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*',
    },
  ],
};

describe('device shadows over MQTT (mutual TLS)', () => {
  let t: TestEmulator;
  let data: IoTDataPlaneClient;
  let device: MqttClient;
  const thing = 'shadow-dev-1';
  const prefix = `$aws/things/${thing}/shadow`;

  before(async () => {
    t = await startTestEmulator();
    data = new IoTDataPlaneClient({
      endpoint: t.url,
      region: t.emulator.config.region,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    const creds = await onboardDevice(t, thing, { name: 'shadow-device', document: SHADOW_DEVICE_POLICY });
    device = await connectDevice(t, creds, thing);
    const granted = await device.subscribeAsync(
      [
        `${prefix}/update/accepted`,
        `${prefix}/update/rejected`,
        `${prefix}/update/delta`,
        `${prefix}/update/documents`,
        `${prefix}/get/+`,
        `${prefix}/delete/+`,
        `${prefix}/name/+/update/+`,
        `${prefix}/name/+/get/+`,
      ],
      { qos: 1 },
    );
    assert.ok(
      granted.every((g) => g.qos !== 128),
      'every shadow subscription granted',
    );
  });
  after(async () => {
    await device?.endAsync(true);
    data?.destroy();
    await t?.close();
  });

  /** Publishes a request and resolves with the payloads of the given response topics. */
  async function request(topic: string, body: unknown, responses: string[]) {
    const waiting = responses.map((r) => nextMessage(device, r));
    await device.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });
    return (await Promise.all(waiting)).map((m) => decode(m.payload));
  }

  test('a device update is answered on update/accepted and update/documents', async () => {
    const [accepted, documents] = await request(
      `${prefix}/update`,
      { state: { reported: { temp: 21, fw: '1.0' } }, clientToken: 'boot-1' },
      [`${prefix}/update/accepted`, `${prefix}/update/documents`],
    );
    assert.deepEqual(accepted!.state, { reported: { temp: 21, fw: '1.0' } });
    assert.equal(accepted!.version, 1);
    assert.equal(accepted!.clientToken, 'boot-1');
    assert.equal(typeof accepted!.metadata.reported.temp.timestamp, 'number');
    assert.equal(documents!.previous, undefined);
    assert.deepEqual(documents!.current.state, { reported: { temp: 21, fw: '1.0' } });
    assert.equal(documents!.clientToken, 'boot-1');

    // The same shadow is what the HTTP API reads.
    const got = decode((await data.send(new GetThingShadowCommand({ thingName: thing }))).payload);
    assert.deepEqual(got.state, { reported: { temp: 21, fw: '1.0' } });
  });

  test('a desired change made over HTTP reaches the device on update/delta', async () => {
    const delta = nextMessage(device, `${prefix}/update/delta`);
    const documents = nextMessage(device, `${prefix}/update/documents`);
    await data.send(
      new UpdateThingShadowCommand({
        thingName: thing,
        payload: json({ state: { desired: { fw: '2.0' } }, clientToken: 'ops' }),
      }),
    );
    const d = decode((await delta).payload);
    assert.deepEqual(d.state, { fw: '2.0' });
    assert.equal(typeof d.metadata.fw.timestamp, 'number');
    assert.equal(d.clientToken, 'ops');
    const docs = decode((await documents).payload);
    assert.equal(docs.current.version, docs.previous.version + 1);
  });

  test('a version conflict is rejected with code 409 and the clientToken', async () => {
    const [rejected] = await request(
      `${prefix}/update`,
      { state: { reported: { temp: 22 } }, version: 999, clientToken: 'stale-1' },
      [`${prefix}/update/rejected`],
    );
    assert.equal(rejected!.code, 409);
    assert.equal(rejected!.message, 'Version conflict');
    assert.equal(rejected!.clientToken, 'stale-1');
    assert.equal(typeof rejected!.timestamp, 'number');
  });

  test('a malformed update is rejected 400 with AWS wording', async () => {
    const [rejected] = await request(`${prefix}/update`, { state: { desired: 'x' }, clientToken: 'bad' }, [
      `${prefix}/update/rejected`,
    ]);
    assert.deepEqual(
      [rejected!.code, rejected!.message, rejected!.clientToken],
      [400, 'Desired node must be an object', 'bad'],
    );
  });

  test('an update nested deeper than 6 levels is rejected 400, even 10,000 levels deep', async () => {
    const tooDeep = 'JSON contains too many levels of nesting; maximum is 6';
    const [seven] = await request(
      `${prefix}/update`,
      { state: { reported: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } } }, clientToken: 'seven' },
      [`${prefix}/update/rejected`],
    );
    assert.deepEqual([seven!.code, seven!.message, seven!.clientToken], [400, tooDeep, 'seven']);
    const depth = 10_000;
    const deep = `{"clientToken":"deep","state":{"desired":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`;
    const [rejected] = await request(`${prefix}/update`, deep, [`${prefix}/update/rejected`]);
    assert.deepEqual([rejected!.code, rejected!.message, rejected!.clientToken], [400, tooDeep, 'deep']);
    // The broker and the shadow service still answer.
    const [doc] = await request(`${prefix}/update`, { state: { reported: { after: 'deep' } } }, [
      `${prefix}/update/accepted`,
    ]);
    assert.deepEqual(doc!.state, { reported: { after: 'deep' } });
  });

  test('get answers the document with its delta; get of a missing named shadow is rejected 404', async () => {
    const [doc] = await request(`${prefix}/get`, { clientToken: 'g1' }, [`${prefix}/get/accepted`]);
    assert.deepEqual(doc!.state.delta, { fw: '2.0' });
    assert.equal(doc!.clientToken, 'g1');

    const [missing] = await request(`${prefix}/name/nope/get`, { clientToken: 'g2' }, [
      `${prefix}/name/nope/get/rejected`,
    ]);
    assert.equal(missing!.code, 404);
    assert.equal(missing!.message, `No shadow exists with name: '${thing}~nope'`);
    assert.equal(missing!.clientToken, 'g2');
  });

  test('named shadows use their own topics and do not touch the classic shadow', async () => {
    const named = `${prefix}/name/config`;
    const [accepted, delta] = await request(`${named}/update`, { state: { desired: { interval: 60 } } }, [
      `${named}/update/accepted`,
      `${named}/update/delta`,
    ]);
    assert.equal(accepted!.version, 1);
    assert.deepEqual(delta!.state, { interval: 60 });
    const [doc] = await request(`${named}/get`, '', [`${named}/get/accepted`]);
    assert.deepEqual(doc!.state.desired, { interval: 60 });
    const classic = decode((await data.send(new GetThingShadowCommand({ thingName: thing }))).payload);
    assert.equal(classic.state.desired.interval, undefined);
  });

  test('delete is answered on delete/accepted with the version, and a later get is rejected 404', async () => {
    const before = decode((await data.send(new GetThingShadowCommand({ thingName: thing }))).payload);
    const [deleted] = await request(`${prefix}/delete`, { clientToken: 'd1' }, [`${prefix}/delete/accepted`]);
    assert.equal(deleted!.version, before.version);
    assert.equal(deleted!.clientToken, 'd1');
    const [missing] = await request(`${prefix}/get`, '', [`${prefix}/get/rejected`]);
    assert.equal(missing!.code, 404);
    assert.equal(missing!.message, `No shadow exists with name: '${thing}'`);
    const [again] = await request(`${prefix}/delete`, '', [`${prefix}/delete/rejected`]);
    assert.equal(again!.code, 404);
  });
});
