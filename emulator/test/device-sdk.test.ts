/**
 * Interop with a client nobody here wrote: the AWS IoT Device SDK v2 for JavaScript (its native aws-crt
 * MQTT clients) against the local IoT Core over mutual TLS, as a device would use it against AWS: the
 * MQTT 3.1.1 connection, the MQTT 5 client (reason codes, user properties and the other PUBLISH
 * properties, a forbidden publish answered PUBACK 0x87) and the shadow clients (get, update, delta).
 *
 * The native clients run on their own threads and keep the process alive until released, so every one
 * is stopped and closed in `finally`, every wait has a timeout, and the file ends by collecting garbage:
 * an MQTT 5 client (and the shadow v2 client's request-response client) lets go of the threads only when
 * its JavaScript object is finalized, which `close()` alone does not do (aws-crt-nodejs issue #600).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { iot, iotshadow, mqtt, mqtt5 } from 'aws-iot-device-sdk-v2';
import { onboardDevice, type DeviceCredentials } from './devices';
import { startTestEmulator, type TestEmulator } from './harness';

const ARN = 'arn:aws:iot:us-east-1:*';
const WAIT_MS = 8000;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Finalizes the closed native clients (see above), so the test process can exit. */
async function finalizeNativeClients() {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Connect as the thing; publish and receive under `sdk/<thing>/...`; subscribe to `sdk/*`; its own shadow. */
const DEVICE_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:Connection.Thing.ThingName}` },
    { Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/sdk/\${iot:Connection.Thing.ThingName}/*` },
    { Effect: 'Allow', Action: 'iot:Receive', Resource: `${ARN}:topic/sdk/*` },
    { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/sdk/*` },
    {
      Effect: 'Allow',
      Action: ['iot:Publish', 'iot:Receive'],
      Resource: `${ARN}:topic/$aws/things/\${iot:Connection.Thing.ThingName}/shadow/*`,
    },
    {
      Effect: 'Allow',
      Action: 'iot:Subscribe',
      Resource: `${ARN}:topicfilter/$aws/things/\${iot:Connection.Thing.ThingName}/shadow/*`,
    },
  ],
};

/** Rejects after `ms` with what was awaited, so a silent native client fails the test instead of hanging it. */
function within<T>(what: string, promise: Promise<T>, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the first `event` that `accept` takes (the first one at all by default). */
function nextEvent<T>(
  emitter: { on(e: string, l: (arg: T) => void): unknown; off?(e: string, l: (arg: T) => void): unknown },
  event: string,
  accept: (arg: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const listener = (arg: T) => {
      if (!accept(arg)) return;
      emitter.off?.(event, listener);
      resolve(arg);
    };
    emitter.on(event, listener);
  });
}

const text = (payload: unknown) =>
  typeof payload === 'string' ? payload : Buffer.from(payload as ArrayBuffer).toString('utf8');

describe('AWS IoT Device SDK v2 for JavaScript (aws-crt) over mutual TLS', { timeout: 120_000 }, () => {
  let t: TestEmulator;
  let port: number;
  before(async () => {
    t = await startTestEmulator();
    port = t.emulator.config.mqttPort;
  });
  after(async () => {
    await t.close();
    await finalizeNativeClients();
  });

  /** The SDK's MQTT 3.1.1 connection for `creds`, built as the SDK's samples build it (certificate in memory). */
  function connection311(creds: DeviceCredentials, clientId: string): mqtt.MqttClientConnection {
    const config = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder(creds.certPem, creds.keyPem)
      .with_certificate_authority(creds.caPem)
      .with_endpoint('localhost')
      .with_port(port)
      .with_client_id(clientId)
      .with_clean_session(true)
      .with_keep_alive_seconds(30)
      .build();
    const conn = new mqtt.MqttClient().new_connection(config);
    // The SDK also emits a failed operation as 'error'; the awaited promise is what the test reads.
    conn.on('error', () => {});
    return conn;
  }

  /** `disconnect` is what frees a 3.1.1 connection's native resources, connected or not. */
  async function release311(conn: mqtt.MqttClientConnection) {
    await within('disconnect', conn.disconnect()).catch(() => {});
  }

  /** The SDK's MQTT 5 client for `creds` (not started). */
  function client5(creds: DeviceCredentials, clientId: string): mqtt5.Mqtt5Client {
    const builder = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromMemory(
      'localhost',
      creds.certPem,
      creds.keyPem,
    );
    builder.withCertificateAuthority(creds.caPem);
    builder.withPort(port);
    builder.withConnectProperties({ clientId, keepAliveIntervalSeconds: 60 });
    return new mqtt5.Mqtt5Client(builder.build());
  }

  async function start5(client: mqtt5.Mqtt5Client): Promise<mqtt5.ConnectionSuccessEvent> {
    const connected = nextEvent<mqtt5.ConnectionSuccessEvent>(client, 'connectionSuccess');
    const failed = nextEvent<mqtt5.ConnectionFailureEvent>(client, 'connectionFailure').then((e) => {
      throw new Error(`connection failed: ${e.error.error_name} (CONNACK ${e.connack?.reasonCode})`);
    });
    client.start();
    return within('CONNACK', Promise.race([connected, failed]));
  }

  async function stop5(client: mqtt5.Mqtt5Client) {
    const stopped = nextEvent(client, 'stopped');
    client.stop();
    await within('stop', stopped).catch(() => {});
    client.close();
  }

  test('MQTT 3.1.1: connects with the device certificate, subscribes and receives its own QoS 1 publish', async () => {
    const creds = await onboardDevice(t, 'sdk-311', { name: 'sdk-device', document: DEVICE_POLICY });
    const conn = connection311(creds, 'sdk-311');
    try {
      const sessionPresent = await within('connect', conn.connect());
      assert.equal(sessionPresent, false);
      let onMessage: (m: { topic: string; payload: string; qos: number }) => void = () => {};
      const received = new Promise<{ topic: string; payload: string; qos: number }>((r) => (onMessage = r));
      const sub = await within(
        'SUBACK',
        conn.subscribe('sdk/sdk-311/#', mqtt.QoS.AtLeastOnce, (topic, payload, _dup, qos) =>
          onMessage({ topic, payload: text(payload), qos }),
        ),
      );
      assert.equal(sub.qos, mqtt.QoS.AtLeastOnce);
      await within('PUBACK', conn.publish('sdk/sdk-311/echo', JSON.stringify({ hello: 311 }), mqtt.QoS.AtLeastOnce));
      const message = await within('message', received);
      assert.deepEqual(message, { topic: 'sdk/sdk-311/echo', payload: '{"hello":311}', qos: 1 });
    } finally {
      await release311(conn);
    }
  });

  test('MQTT 3.1.1: a client id the policy does not allow is refused', async () => {
    const creds = await onboardDevice(t, 'sdk-311-refused', { name: 'sdk-device', document: DEVICE_POLICY });
    const conn = connection311(creds, 'someone-else');
    try {
      await assert.rejects(within('connect', conn.connect()));
    } finally {
      await release311(conn);
    }
  });

  test('MQTT 5: CONNACK limits, SUBACK reason codes, PUBLISH properties end to end, PUBACK 0x87 for a forbidden publish', async () => {
    const creds = await onboardDevice(t, 'sdk-5', { name: 'sdk-device', document: DEVICE_POLICY });
    const client = client5(creds, 'sdk-5');
    try {
      const { connack, settings } = await start5(client);
      assert.equal(connack.reasonCode, mqtt5.ConnectReasonCode.Success);
      assert.equal(settings.maximumQos, mqtt5.QoS.AtLeastOnce);
      assert.equal(settings.receiveMaximumFromServer, 100);
      assert.equal(settings.maximumPacketSizeToServer, 146 * 1024);
      assert.equal(settings.sharedSubscriptionsAvailable, true);
      assert.equal(settings.subscriptionIdentifiersAvailable, false);

      const suback = await within(
        'SUBACK',
        client.subscribe({
          subscriptions: [
            { topicFilter: 'sdk/sdk-5/#', qos: mqtt5.QoS.AtLeastOnce },
            { topicFilter: 'elsewhere/#', qos: mqtt5.QoS.AtLeastOnce },
          ],
        }),
      );
      assert.deepEqual(suback.reasonCodes, [mqtt5.SubackReasonCode.GrantedQoS1, mqtt5.SubackReasonCode.NotAuthorized]);

      const received = nextEvent<mqtt5.MessageReceivedEvent>(client, 'messageReceived');
      const puback = await within(
        'PUBACK',
        client.publish({
          topicName: 'sdk/sdk-5/request',
          qos: mqtt5.QoS.AtLeastOnce,
          payload: JSON.stringify({ hello: 5 }),
          payloadFormat: mqtt5.PayloadFormatIndicator.Utf8,
          contentType: 'application/json',
          responseTopic: 'sdk/sdk-5/response',
          correlationData: Buffer.from('req-1'),
          userProperties: [{ name: 'origin', value: 'device-sdk' }],
        }),
      );
      assert.equal((puback as mqtt5.PubackPacket).reasonCode, mqtt5.PubackReasonCode.Success);
      const { message } = await within('message', received);
      assert.equal(message.topicName, 'sdk/sdk-5/request');
      assert.equal(text(message.payload), '{"hello":5}');
      assert.equal(message.payloadFormat, mqtt5.PayloadFormatIndicator.Utf8);
      assert.equal(message.contentType, 'application/json');
      assert.equal(message.responseTopic, 'sdk/sdk-5/response');
      assert.equal(text(message.correlationData), 'req-1');
      assert.deepEqual(message.userProperties, [{ name: 'origin', value: 'device-sdk' }]);

      // Another thing's topic: AWS answers PUBACK 0x87 over MQTT 5 and keeps the connection.
      const refused = await within(
        'PUBACK',
        client.publish({ topicName: 'sdk/another-thing/x', qos: mqtt5.QoS.AtLeastOnce, payload: 'no' }),
      );
      assert.equal((refused as mqtt5.PubackPacket).reasonCode, mqtt5.PubackReasonCode.NotAuthorized);
      const again = await within(
        'PUBACK',
        client.publish({ topicName: 'sdk/sdk-5/after', qos: mqtt5.QoS.AtLeastOnce, payload: 'still here' }),
      );
      assert.equal((again as mqtt5.PubackPacket).reasonCode, mqtt5.PubackReasonCode.Success);
    } finally {
      await stop5(client);
    }
  });

  test('MQTT 5: a CONNECT the policy forbids gets CONNACK 0x87', async () => {
    const creds = await onboardDevice(t, 'sdk-5-refused', { name: 'sdk-device', document: DEVICE_POLICY });
    const client = client5(creds, 'not-the-thing');
    try {
      const failure = nextEvent<mqtt5.ConnectionFailureEvent>(client, 'connectionFailure');
      client.start();
      const { connack } = await within('CONNACK', failure);
      assert.equal(connack?.reasonCode, mqtt5.ConnectReasonCode.NotAuthorized);
    } finally {
      await stop5(client);
    }
  });

  test('shadow client over MQTT 3.1.1: update, the delta it raises, then get', async () => {
    const thing = 'sdk-shadow-311';
    const creds = await onboardDevice(t, thing, { name: 'sdk-device', document: DEVICE_POLICY });
    const conn = connection311(creds, thing);
    try {
      await within('connect', conn.connect());
      const shadow = new iotshadow.IotShadowClient(conn);
      const QOS = mqtt.QoS.AtLeastOnce;
      let delta: (e?: iotshadow.IotShadowError, r?: iotshadow.model.ShadowDeltaUpdatedEvent) => void = () => {};
      const deltas = new Promise<iotshadow.model.ShadowDeltaUpdatedEvent>((resolve, reject) => {
        delta = (err, response) => (err ? reject(err) : resolve(response!));
      });
      let accepted: (e?: iotshadow.IotShadowError, r?: iotshadow.model.UpdateShadowResponse) => void = () => {};
      const updated = new Promise<iotshadow.model.UpdateShadowResponse>((resolve, reject) => {
        accepted = (err, response) => (err ? reject(err) : resolve(response!));
      });
      let got: (e?: iotshadow.IotShadowError, r?: iotshadow.model.GetShadowResponse) => void = () => {};
      const gotten = new Promise<iotshadow.model.GetShadowResponse>((resolve, reject) => {
        got = (err, response) => (err ? reject(err) : resolve(response!));
      });
      await within('subscribe', shadow.subscribeToShadowDeltaUpdatedEvents({ thingName: thing }, QOS, delta));
      await within('subscribe', shadow.subscribeToUpdateShadowAccepted({ thingName: thing }, QOS, accepted));
      await within('subscribe', shadow.subscribeToGetShadowAccepted({ thingName: thing }, QOS, got));

      await within(
        'update',
        shadow.publishUpdateShadow(
          { thingName: thing, state: { desired: { color: 'green' }, reported: { color: 'red' } } },
          QOS,
        ),
      );
      const update = await within('update accepted', updated);
      assert.deepEqual(update.state?.desired, { color: 'green' });
      assert.equal(update.version, 1);
      const change = await within('delta', deltas);
      assert.deepEqual(change.state, { color: 'green' });
      assert.equal(change.version, 1);

      await within('get', shadow.publishGetShadow({ thingName: thing }, QOS));
      const document = await within('get accepted', gotten);
      assert.deepEqual(document.state?.desired, { color: 'green' });
      assert.deepEqual(document.state?.reported, { color: 'red' });
      assert.deepEqual(document.state?.delta, { color: 'green' });
      assert.equal(document.version, 1);
    } finally {
      await release311(conn);
    }
  });

  test('shadow clients over MQTT 5: v2 get of a missing shadow is a 404, update, the delta, get', async () => {
    const thing = 'sdk-shadow-5';
    const creds = await onboardDevice(t, thing, { name: 'sdk-device', document: DEVICE_POLICY });
    const client = client5(creds, thing);
    let shadow: iotshadow.IotShadowClientv2 | undefined;
    try {
      await start5(client);
      shadow = iotshadow.IotShadowClientv2.newFromMqtt5(client, {
        maxRequestResponseSubscriptions: 4,
        maxStreamingSubscriptions: 2,
        operationTimeoutInSeconds: 8,
      });
      const missing = await within(
        'get',
        shadow.getShadow({ thingName: thing }).then(
          () => undefined,
          (e) => e,
        ),
      );
      assert.ok(missing, 'getShadow of a missing shadow rejects');
      assert.equal((missing as { modeledError?: { code?: number } }).modeledError?.code, 404);

      // The delta through the SDK's event-subscription shadow client on the same MQTT 5 client: the v2
      // client's createShadowDeltaUpdatedStream works too, but its native streaming operation never lets
      // go of node's event loop (aws-crt 1.33), which would keep this test process from exiting.
      let onDelta: (e?: iotshadow.IotShadowError, r?: iotshadow.model.ShadowDeltaUpdatedEvent) => void = () => {};
      const delta = new Promise<iotshadow.model.ShadowDeltaUpdatedEvent>((resolve, reject) => {
        onDelta = (err, response) => (err ? reject(err) : resolve(response!));
      });
      const events = iotshadow.IotShadowClient.newFromMqtt5Client(client);
      await within(
        'delta subscription',
        events.subscribeToShadowDeltaUpdatedEvents({ thingName: thing }, mqtt.QoS.AtLeastOnce, onDelta),
      );

      const update = await within(
        'update',
        shadow.updateShadow({ thingName: thing, state: { desired: { mode: 'eco' } } }),
      );
      assert.deepEqual(update.state?.desired, { mode: 'eco' });
      assert.equal(update.version, 1);
      const change = await within('delta', delta);
      assert.deepEqual(change.state, { mode: 'eco' });

      const document = await within('get', shadow.getShadow({ thingName: thing }));
      assert.deepEqual(document.state?.desired, { mode: 'eco' });
      assert.deepEqual(document.state?.delta, { mode: 'eco' });
      assert.equal(document.version, 1);
    } finally {
      shadow?.close();
      await stop5(client);
    }
  });
});
