/**
 * MQTT 5 on the local IoT Core's broker, through mqtt.js v5 over real mutual TLS: what AWS IoT Core's
 * CONNACK advertises, its reason codes, properties carried end to end, topic aliases, shared
 * subscriptions, retain handling, keep-alive and expiry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mqtt, { type IClientOptions, type IConnackPacket, type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { ALLOW_ALL, nextMessage, onboardDevice, subscribeGranted, type DeviceCredentials } from './devices';
import { startTestEmulator, type TestEmulator } from './harness';

const ARN = 'arn:aws:iot:us-east-1:123456789012';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Publish and receive under `m5/<thing>/...` only, subscribe to `m5/*`, connect as the thing. */
const SCOPED = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:Connection.Thing.ThingName}` },
    { Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/m5/\${iot:Connection.Thing.ThingName}/*` },
    { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/m5/*` },
    { Effect: 'Allow', Action: 'iot:Receive', Resource: `${ARN}:topic/m5/*` },
  ],
};

/** Connects with MQTT 5; resolves with the client and its CONNACK, rejects with the refusing CONNACK's code. */
export function connect5(
  t: TestEmulator,
  creds: DeviceCredentials,
  clientId: string,
  extra: IClientOptions = {},
): Promise<{ client: MqttClient; connack: IConnackPacket }> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(t.emulator.urls.mqtt, {
      clientId,
      cert: creds.certPem,
      key: creds.keyPem,
      ca: creds.caPem,
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...extra,
    });
    client.once('connect', (connack) => resolve({ client, connack }));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

describe('MQTT 5 (mqtt.js v5 over mutual TLS)', { timeout: 60_000 }, () => {
  let t: TestEmulator;
  let all: DeviceCredentials;
  before(async () => {
    t = await startTestEmulator();
    all = await onboardDevice(t, 'm5-observer', { name: 'allow-all', document: ALLOW_ALL });
  });
  after(() => t.close());

  test("CONNACK advertises AWS IoT Core's MQTT 5 capabilities and limits", async () => {
    const { client, connack } = await connect5(t, all, 'm5-observer');
    assert.equal(connack.reasonCode, 0);
    const p = connack.properties!;
    assert.equal(p.topicAliasMaximum, 8);
    assert.equal(p.receiveMaximum, 100);
    assert.equal(p.maximumPacketSize, 146 * 1024);
    assert.equal(p.maximumQoS, 1);
    assert.equal(p.sharedSubscriptionAvailable, true);
    assert.equal(p.subscriptionIdentifiersAvailable, false);
    await client.endAsync();
  });

  test('a CONNECT the policy forbids gets CONNACK 0x87 (not authorized)', async () => {
    const dev = await onboardDevice(t, 'm5-scoped', { name: 'm5-scoped', document: SCOPED });
    const err = await connect5(t, dev, 'not-the-thing').then(
      () => assert.fail('connected'),
      (e: Error & { code?: number }) => e,
    );
    assert.equal(err.code, 0x87);
    const ok = await connect5(t, dev, 'm5-scoped');
    await ok.client.endAsync();
  });

  test('a forbidden QoS 1 publish gets PUBACK 0x87 and the connection stays', async () => {
    const dev = await onboardDevice(t, 'm5-pub', { name: 'm5-scoped', document: SCOPED });
    const { client } = await connect5(t, dev, 'm5-pub');
    const err = await client.publishAsync('m5/someone-else/x', 'no', { qos: 1 }).then(
      () => assert.fail('accepted'),
      (e: Error & { code?: number }) => e,
    );
    assert.equal(err.code, 0x87);
    assert.ok(client.connected);
    const ack = await client.publishAsync('m5/m5-pub/x', 'yes', { qos: 1 });
    assert.equal((ack as { reasonCode?: number } | undefined)?.reasonCode ?? 0, 0);
    await client.endAsync();
  });

  test('SUBACK carries 0x87 for a forbidden filter and 0x8F for an invalid one', async () => {
    const dev = await onboardDevice(t, 'm5-sub', { name: 'm5-scoped', document: SCOPED });
    const { client } = await connect5(t, dev, 'm5-sub');
    const codes = await new Promise<number[]>((resolve) => {
      client.subscribe(['m5/ok', 'other/x', 'm5/1/2/3/4/5/6/7/8'], { qos: 1 }, (err, granted) =>
        resolve(
          ((err as { packet?: { granted?: number[] } } | null)?.packet?.granted as number[]) ??
            granted?.map((g) => g.qos),
        ),
      );
    });
    assert.deepEqual(codes, [1, 0x87, 0x8f]);
    await client.endAsync();
  });

  test('user properties, content type, payload format, response topic and correlation data arrive as sent', async () => {
    const { client: sub } = await connect5(t, all, 'm5-props-sub');
    await sub.subscribeAsync('props/in', { qos: 1 });
    const { client: pub } = await connect5(t, all, 'm5-props-pub');
    const got = new Promise<mqtt.IPublishPacket>((resolve) => sub.once('message', (_t, _p, packet) => resolve(packet)));
    await pub.publishAsync('props/in', '{"a":1}', {
      qos: 1,
      properties: {
        userProperties: { trace: 'abc', unit: ['c', 'f'] },
        contentType: 'application/json',
        payloadFormatIndicator: true,
        responseTopic: 'props/reply',
        correlationData: Buffer.from('req-42'),
      },
    });
    const p = (await got).properties!;
    assert.deepEqual({ ...p.userProperties }, { trace: 'abc', unit: ['c', 'f'] });
    assert.equal(p.contentType, 'application/json');
    assert.equal(p.payloadFormatIndicator, true);
    assert.equal(p.responseTopic, 'props/reply');
    assert.equal(Buffer.from(p.correlationData!).toString(), 'req-42');
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  test('topic aliases up to 8 resolve; alias 9 is refused with DISCONNECT 0x94', { timeout: 10_000 }, async () => {
    const { client: sub } = await connect5(t, all, 'm5-alias-sub');
    await sub.subscribeAsync('alias/#');
    const { client: pub } = await connect5(t, all, 'm5-alias-pub');
    const first = nextMessage(sub, 'alias/long/topic/name');
    await pub.publishAsync('alias/long/topic/name', 'one', { properties: { topicAlias: 8 } });
    assert.equal((await first).payload.toString(), 'one');
    const second = nextMessage(sub, 'alias/long/topic/name');
    await pub.publishAsync('', 'two', { properties: { topicAlias: 8 } });
    assert.equal((await second).payload.toString(), 'two');
    const disconnect = new Promise<number | undefined>((resolve) =>
      pub.once('disconnect', (p) => resolve(p.reasonCode)),
    );
    // mqtt.js itself keeps to the CONNACK's maximum, so alias 9 goes out as a raw packet.
    const raw = { cmd: 'publish', topic: 'alias/other', payload: 'three', qos: 0, retain: false, dup: false };
    pub.stream.write(mqttPacket.generate({ ...raw, properties: { topicAlias: 9 } } as never, { protocolVersion: 5 }));
    assert.equal(await disconnect, 0x94);
    await sub.endAsync();
    pub.end(true);
  });

  test('a shared subscription delivers each message to one member of the group, MQTT 3.1.1 members too', async () => {
    const a = await connect5(t, all, 'm5-share-a');
    const b = mqtt.connect(t.emulator.urls.mqtt, {
      clientId: 'm5-share-b',
      cert: all.certPem,
      key: all.keyPem,
      ca: all.caPem,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    await new Promise((r) => b.once('connect', r));
    await a.client.subscribeAsync('$share/workers/jobs/+');
    await b.subscribeAsync('$share/workers/jobs/+');
    const counts = { a: 0, b: 0 };
    a.client.on('message', () => counts.a++);
    b.on('message', () => counts.b++);
    const { client: pub } = await connect5(t, all, 'm5-share-pub');
    for (let i = 0; i < 10; i++) await pub.publishAsync(`jobs/${i}`, String(i), { qos: 1 });
    await sleep(300);
    assert.equal(counts.a + counts.b, 10);
    assert.ok(counts.a > 0 && counts.b > 0, `both members got work: ${JSON.stringify(counts)}`);
    await Promise.all([a.client.endAsync(), b.endAsync(), pub.endAsync()]);
  });

  test('a shared subscription is authorised on topicfilter/$share/{group}/{filter}', async () => {
    const dev = await onboardDevice(t, 'm5-share-scoped', { name: 'm5-scoped', document: SCOPED });
    const { client } = await connect5(t, dev, 'm5-share-scoped');
    const codes = (await subscribeGranted(client, ['$share/g/m5/x', '$share/g/other/x'])).map((g) => g.qos);
    // The policy allows topicfilter/m5/*; `$share/g/m5/x` is another resource.
    assert.deepEqual(codes, [0x87, 0x87]);
    await client.endAsync();
  });

  test('retain handling 2 sends no retained message on subscribe; 0 does', async () => {
    const { client: pub } = await connect5(t, all, 'm5-rh-pub');
    await pub.publishAsync('rh/state', 'kept', { qos: 1, retain: true });
    const { client: sub } = await connect5(t, all, 'm5-rh-sub');
    let got = 0;
    sub.on('message', () => got++);
    await sub.subscribeAsync('rh/state', { qos: 1, rh: 2 });
    await sleep(200);
    assert.equal(got, 0);
    await sub.unsubscribeAsync('rh/state');
    await sub.subscribeAsync('rh/state', { qos: 1, rh: 0 });
    await sleep(200);
    assert.equal(got, 1);
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  test('keep-alive is held to 30..1200 s through Server Keep Alive', async () => {
    const short = await connect5(t, all, 'm5-ka-short', { keepalive: 10 });
    assert.equal(short.connack.properties?.serverKeepAlive, 30);
    await short.client.endAsync();
    const none = await connect5(t, all, 'm5-ka-none', { keepalive: 0 });
    assert.equal(none.connack.properties?.serverKeepAlive, 1200);
    await none.client.endAsync();
  });

  test('a Session Expiry Interval above the account limit is lowered, and the CONNACK says so', async () => {
    const { client, connack } = await connect5(t, all, 'm5-sei', { properties: { sessionExpiryInterval: 30 * 86400 } });
    assert.equal(connack.properties?.sessionExpiryInterval, 3600);
    await client.endAsync();
  });

  test('a session ends after its expiry interval; queued messages past their expiry are not delivered', async () => {
    const opts = { clean: false, properties: { sessionExpiryInterval: 2 } };
    const first = await connect5(t, all, 'm5-expiry', opts);
    await first.client.subscribeAsync('exp/+', { qos: 1 });
    await first.client.endAsync();
    const { client: pub } = await connect5(t, all, 'm5-expiry-pub');
    await pub.publishAsync('exp/short', 'gone', { qos: 1, properties: { messageExpiryInterval: 1 } });
    await pub.publishAsync('exp/long', 'kept', { qos: 1, properties: { messageExpiryInterval: 60 } });
    await sleep(1200);
    const received: string[] = [];
    const again = await connect5(t, all, 'm5-expiry', opts);
    again.client.on('message', (topic) => received.push(topic));
    assert.equal(again.connack.sessionPresent, true);
    await sleep(300);
    assert.deepEqual(received, ['exp/long']);
    await again.client.endAsync();
    await sleep(2500);
    const late = await connect5(t, all, 'm5-expiry', opts);
    assert.equal(late.connack.sessionPresent, false);
    await Promise.all([late.client.endAsync(), pub.endAsync()]);
  });
});
