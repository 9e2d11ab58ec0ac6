import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  DetachPolicyCommand,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import type mqtt from 'mqtt';
import {
  ALLOW_ALL,
  closed,
  connectDevice,
  makeKeyAndCsr,
  nextMessage,
  onboardDevice,
  subscribeGranted,
  type DeviceCredentials,
} from './devices';
import { startTestEmulator, type TestEmulator } from './harness';

const ARN = 'arn:aws:iot:us-east-1:123456789012';

/** The least-privilege thing-scoped policy the dashboard's template writes. */
const THING_SCOPED = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:Connection.Thing.ThingName}` },
    {
      Effect: 'Allow',
      Action: ['iot:Publish', 'iot:Receive'],
      Resource: `${ARN}:topic/\${iot:Connection.Thing.ThingName}/*`,
    },
    { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/\${iot:Connection.Thing.ThingName}/*` },
  ],
};

describe('message broker: mutual TLS and policies', () => {
  let t: TestEmulator;
  let observer: mqtt.MqttClient;
  before(async () => {
    t = await startTestEmulator();
    const obs = await onboardDevice(t, 'observer', { name: 'allow-all', document: ALLOW_ALL });
    observer = await connectDevice(t, obs, 'observer');
  });
  after(async () => {
    await observer.endAsync();
    await t.close();
  });

  test('a device with an active certificate and an allowing policy connects, publishes and receives', async () => {
    const dev = await onboardDevice(t, 'dev-ok', { name: 'thing-scoped', document: THING_SCOPED });
    const client = await connectDevice(t, dev, 'dev-ok');
    await client.subscribeAsync('dev-ok/cmd');
    const got = nextMessage(client, 'dev-ok/cmd');
    await observer.publishAsync('dev-ok/cmd', 'reboot');
    assert.equal((await got).payload.toString(), 'reboot');
    const seen = nextMessage(observer, 'dev-ok/telemetry');
    await observer.subscribeAsync('dev-ok/telemetry');
    await client.publishAsync('dev-ok/telemetry', '{"t":21}', { qos: 1 });
    assert.equal((await seen).payload.toString(), '{"t":21}');
    await client.endAsync();
  });

  test('policy variables tie the client id to the thing: another client id is refused at CONNECT', async () => {
    const dev = await onboardDevice(t, 'dev-var', { name: 'thing-scoped', document: THING_SCOPED });
    await assert.rejects(connectDevice(t, dev, 'someone-else'));
    const ok = await connectDevice(t, dev, 'dev-var');
    await ok.endAsync();
  });

  test('a certificate without any policy cannot connect (deny by default)', async () => {
    const dev = await onboardDevice(t, 'dev-nopolicy');
    await assert.rejects(connectDevice(t, dev, 'dev-nopolicy'));
  });

  test('an unregistered certificate is refused before MQTT', async () => {
    const { keyPem } = await makeKeyAndCsr('stranger');
    const dev = await onboardDevice(t, 'dev-real', { name: 'allow-all', document: ALLOW_ALL });
    // The right certificate with the wrong key fails the TLS handshake itself.
    await assert.rejects(connectDevice(t, { ...dev, keyPem }, 'dev-real'));
  });

  test('inactive and revoked certificates are refused', async () => {
    const dev = await onboardDevice(t, 'dev-inactive', { name: 'allow-all', document: ALLOW_ALL });
    await t.iot.send(new UpdateCertificateCommand({ certificateId: dev.certificateId, newStatus: 'INACTIVE' }));
    await assert.rejects(connectDevice(t, dev, 'dev-inactive'));
    await t.iot.send(new UpdateCertificateCommand({ certificateId: dev.certificateId, newStatus: 'REVOKED' }));
    await assert.rejects(connectDevice(t, dev, 'dev-inactive'));
  });

  test('publishing outside the policy ends the connection (MQTT 3.1.1)', async () => {
    const dev = await onboardDevice(t, 'dev-pub', { name: 'thing-scoped', document: THING_SCOPED });
    const client = await connectDevice(t, dev, 'dev-pub');
    const gone = closed(client);
    client.publish('other-thing/telemetry', 'x', { qos: 1 });
    await gone;
  });

  test('a refused subscription gets SUBACK 0x80 and the connection stays', async () => {
    const dev = await onboardDevice(t, 'dev-sub', { name: 'thing-scoped', document: THING_SCOPED });
    const client = await connectDevice(t, dev, 'dev-sub');
    const granted = await subscribeGranted(client, ['dev-sub/ok', 'other/#']);
    assert.deepEqual(
      granted.map((g) => [g.topic, g.qos]),
      [
        ['dev-sub/ok', 0],
        ['other/#', 128],
      ],
    );
    assert.ok(client.connected);
    await client.endAsync();
  });

  test('iot:Receive is checked per delivery: Subscribe alone does not deliver', async () => {
    await t.iot.send(
      new CreatePolicyCommand({
        policyName: 'subscribe-no-receive',
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'iot:Connect', Resource: '*' },
            { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/news/*` },
          ],
        }),
      }),
    );
    const dev = await onboardDevice(t, 'dev-noreceive', { name: 'subscribe-no-receive', document: {} });
    const client = await connectDevice(t, dev, 'dev-noreceive');
    const [g] = await client.subscribeAsync('news/today');
    assert.equal(g!.qos, 0);
    await observer.publishAsync('news/today', 'hello');
    await assert.rejects(nextMessage(client, 'news/today', 500));
    await client.endAsync();
  });

  test('an explicit Deny beats an Allow from another policy', async () => {
    const dev = await onboardDevice(t, 'dev-deny', { name: 'allow-all', document: ALLOW_ALL });
    await t.iot.send(
      new CreatePolicyCommand({
        policyName: 'deny-secrets',
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/secrets/*` }],
        }),
      }),
    );
    await t.iot.send(new AttachPolicyCommand({ policyName: 'deny-secrets', target: dev.certificateArn }));
    const client = await connectDevice(t, dev, 'dev-deny');
    const [denied, allowed] = await subscribeGranted(client, ['secrets/x', 'public/x']);
    assert.equal(denied!.qos, 128);
    assert.equal(allowed!.qos, 0);
    await client.endAsync();
  });

  test('detaching the policy cuts off what it granted on a live connection', async () => {
    await t.iot.send(new CreatePolicyCommand({ policyName: 'live-all', policyDocument: JSON.stringify(ALLOW_ALL) }));
    const dev = await onboardDevice(t, 'dev-live', { name: 'live-all', document: ALLOW_ALL });
    const client = await connectDevice(t, dev, 'dev-live');
    await client.subscribeAsync('live/topic');
    const first = nextMessage(client, 'live/topic');
    await observer.publishAsync('live/topic', 'one');
    await first;
    await t.iot.send(new DetachPolicyCommand({ policyName: 'live-all', target: dev.certificateArn }));
    await observer.publishAsync('live/topic', 'two');
    await assert.rejects(nextMessage(client, 'live/topic', 500), 'no delivery without iot:Receive');
    const gone = closed(client);
    client.publish('live/topic', 'three', { qos: 1 });
    await gone;
  });

  test('deactivating the certificate disconnects its live connection', async () => {
    const dev = await onboardDevice(t, 'dev-cut', { name: 'allow-all', document: ALLOW_ALL });
    const client = await connectDevice(t, dev, 'dev-cut');
    const gone = closed(client);
    await t.iot.send(new UpdateCertificateCommand({ certificateId: dev.certificateId, newStatus: 'INACTIVE' }));
    await gone;
  });
});

describe('message broker: AWS limits and lifecycle events', () => {
  let t: TestEmulator;
  let observer: mqtt.MqttClient;
  let dev: DeviceCredentials;
  before(async () => {
    t = await startTestEmulator();
    const obs = await onboardDevice(t, 'observer', { name: 'allow-all', document: ALLOW_ALL });
    observer = await connectDevice(t, obs, 'observer');
    await observer.subscribeAsync(['$aws/events/presence/+/+', '$aws/events/subscriptions/+/+']);
    dev = await onboardDevice(t, 'dev-1', { name: 'allow-all', document: ALLOW_ALL });
  });
  after(async () => {
    await observer.endAsync();
    await t.close();
  });

  test('connected and disconnected presence events carry AWS fields and the reason', async () => {
    const connected = nextMessage(observer, '$aws/events/presence/connected/dev-1');
    const client = await connectDevice(t, dev, 'dev-1');
    const c = JSON.parse((await connected).payload.toString());
    assert.equal(c.eventType, 'connected');
    assert.equal(c.clientId, 'dev-1');
    assert.equal(c.principalIdentifier, dev.certificateId);
    assert.ok(c.timestamp > 1e12, 'epoch milliseconds');
    assert.ok(c.sessionIdentifier && c.ipAddress && c.versionNumber >= 1);

    const subscribed = nextMessage(observer, '$aws/events/subscriptions/subscribed/dev-1');
    await client.subscribeAsync('dev-1/in');
    assert.deepEqual(JSON.parse((await subscribed).payload.toString()).topics, ['dev-1/in']);

    const disconnected = nextMessage(observer, '$aws/events/presence/disconnected/dev-1');
    await client.endAsync();
    const d = JSON.parse((await disconnected).payload.toString());
    assert.equal(d.disconnectReason, 'CLIENT_INITIATED_DISCONNECT');
    assert.equal(d.clientInitiatedDisconnect, true);
    assert.equal(d.sessionIdentifier, c.sessionIdentifier);
  });

  test('there are no $SYS topics: a $SYS filter is refused, and the device learns nothing of other clients', async () => {
    const snoopCreds = await onboardDevice(t, 'snoop', { name: 'allow-all', document: ALLOW_ALL });
    const snoop = await connectDevice(t, snoopCreds, 'snoop');
    const heard: string[] = [];
    snoop.on('message', (topic) => heard.push(topic));
    assert.deepEqual(await subscribeGranted(snoop, ['$SYS/#', '$SYS/+/new/clients', '#', 'snoop/end']), [
      { topic: '$SYS/#', qos: 0x80 },
      { topic: '$SYS/+/new/clients', qos: 0x80 },
      { topic: '#', qos: 0 },
      { topic: 'snoop/end', qos: 0 },
    ]);

    const disconnected = nextMessage(observer, '$aws/events/presence/disconnected/dev-1');
    const client = await connectDevice(t, dev, 'dev-1');
    await client.subscribeAsync('dev-1/in');
    await client.unsubscribeAsync('dev-1/in');
    await client.endAsync();
    await disconnected;
    // Deliveries to one connection keep their order: once this arrives, anything published before it has too.
    const end = nextMessage(snoop, 'snoop/end');
    await observer.publishAsync('snoop/end', 'x');
    await end;
    assert.deepEqual(heard, ['snoop/end']);
    await snoop.endAsync();
  });

  test('a second connection with the same client id drops the first (DUPLICATE_CLIENTID)', async () => {
    const first = await connectDevice(t, dev, 'dev-1');
    const firstGone = closed(first);
    const event = nextMessage(observer, '$aws/events/presence/disconnected/dev-1');
    const second = await connectDevice(t, dev, 'dev-1');
    await firstGone;
    assert.equal(JSON.parse((await event).payload.toString()).disconnectReason, 'DUPLICATE_CLIENTID');
    await second.endAsync();
  });

  test('a connection that drops without DISCONNECT is reported as CONNECTION_LOST', async () => {
    const client = await connectDevice(t, dev, 'dev-1');
    const event = nextMessage(observer, '$aws/events/presence/disconnected/dev-1');
    client.stream.destroy();
    assert.equal(JSON.parse((await event).payload.toString()).disconnectReason, 'CONNECTION_LOST');
    client.end(true);
  });

  test('a payload over 128 KB ends the connection', async () => {
    const client = await connectDevice(t, dev, 'dev-1');
    const gone = closed(client);
    client.publish('dev-1/big', Buffer.alloc(128 * 1024 + 1), { qos: 1 });
    await gone;
  });

  test('a topic with more than 8 levels ends the connection; exactly 8 is fine', async () => {
    const client = await connectDevice(t, dev, 'dev-1');
    await client.publishAsync('a/b/c/d/e/f/g/h', 'ok', { qos: 1 });
    const gone = closed(client);
    client.publish('a/b/c/d/e/f/g/h/i', 'too deep', { qos: 1 });
    await gone;
  });

  test('more than 8 filters in one SUBSCRIBE are refused', async () => {
    const client = await connectDevice(t, dev, 'dev-1');
    const granted = await subscribeGranted(
      client,
      Array.from({ length: 9 }, (_, i) => `dev-1/f${i}`),
    );
    assert.ok(granted.every((g) => g.qos === 128));
    const ok = await subscribeGranted(
      client,
      Array.from({ length: 8 }, (_, i) => `dev-1/f${i}`),
    );
    assert.ok(ok.every((g) => g.qos === 0));
    await client.endAsync();
  });

  test('client ids starting with $ or longer than 128 bytes are refused', async () => {
    await assert.rejects(connectDevice(t, dev, '$reserved'));
    await assert.rejects(connectDevice(t, dev, 'x'.repeat(129)));
  });

  test('retained messages are delivered to later subscribers and kept by the store', async () => {
    const client = await connectDevice(t, dev, 'dev-1');
    await client.publishAsync('dev-1/state', 'on', { qos: 1, retain: true });
    const late = await connectDevice(
      t,
      await onboardDevice(t, 'late', { name: 'allow-all', document: ALLOW_ALL }),
      'late',
    );
    const got = nextMessage(late, 'dev-1/state');
    await late.subscribeAsync('dev-1/state');
    const msg = await got;
    assert.equal(msg.payload.toString(), 'on');
    assert.equal(msg.retain, true);
    assert.equal(
      Buffer.from(t.emulator.context.store.c.retained.get('dev-1/state')!.payload, 'base64').toString(),
      'on',
    );
    await late.endAsync();
    await client.endAsync();
  });
});
