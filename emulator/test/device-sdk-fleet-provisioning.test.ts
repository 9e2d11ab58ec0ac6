/**
 * Interop with a client nobody here wrote: the official AWS IoT Device SDK v2 for JavaScript (aws-crt's native
 * MQTT clients, s2n TLS) provisions devices through its iotidentity clients against the emulator, as its fleet
 * provisioning sample does, and each device then connects with its new certificate.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { DescribeCertificateCommand, DescribeThingCommand } from '@aws-sdk/client-iot';
import { iot, iotidentity, mqtt, mqtt5 } from 'aws-iot-device-sdk-v2';
import { generateDeviceKeys } from '../../lib/pki/browser-keys';
import { makeClaim } from './fleet-client';
import { createFleetTemplate } from './fleet-fixtures';
import { startTestEmulator, type TestEmulator } from './harness';

type Creds = { certPem: string; keyPem: string };

describe('AWS IoT Device SDK v2 (iotidentity) against the local IoT Core', () => {
  let t: TestEmulator;
  const endpoint = () => t.emulator.config.endpointHost;
  const port = () => t.emulator.config.mqttPort;

  before(async () => {
    t = await startTestEmulator();
    await createFleetTemplate(t, 'sdk-fleet');
  });
  after(() => t.close());

  /** An MQTT 3.1.1 connection as the sample builds it (mutual TLS from memory, the emulator's root CA). */
  async function connect311(creds: Creds, clientId: string): Promise<mqtt.MqttClientConnection> {
    const config = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder(creds.certPem, creds.keyPem)
      .with_certificate_authority(t.emulator.rootCaPem)
      .with_endpoint(endpoint())
      .with_port(port())
      .with_client_id(clientId)
      .with_clean_session(true)
      .build();
    const connection = new mqtt.MqttClient().new_connection(config);
    await connection.connect();
    return connection;
  }

  async function start5(creds: Creds, clientId: string): Promise<mqtt5.Mqtt5Client> {
    const builder = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromMemory(
      endpoint(),
      creds.certPem,
      creds.keyPem,
    );
    builder.withCertificateAuthority(t.emulator.rootCaPem);
    builder.withPort(port());
    builder.withConnectProperties({ clientId, keepAliveIntervalSeconds: 60 });
    const client = new mqtt5.Mqtt5Client(builder.build());
    const connected = once(client, mqtt5.Mqtt5Client.CONNECTION_SUCCESS);
    client.start();
    await connected;
    return client;
  }

  async function stop5(client: mqtt5.Mqtt5Client) {
    const stopped = once(client, mqtt5.Mqtt5Client.STOPPED);
    client.stop();
    await stopped;
    client.close();
  }

  /** The sample's pattern: subscribe to accepted and rejected, publish, wait for one of them. */
  function answer<T>(
    subscribe: (
      onAccepted: (e?: iotidentity.IotIdentityError, r?: T) => void,
      onRejected: (e?: iotidentity.IotIdentityError, r?: iotidentity.model.ErrorResponse) => void,
    ) => Promise<void>,
    publish: () => Promise<unknown>,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
      subscribe(
        (error, response) => {
          clearTimeout(timer);
          if (error || !response) reject(error ?? new Error('empty answer'));
          else resolve(response);
        },
        (error, response) => {
          clearTimeout(timer);
          reject(error ?? new Error(`rejected: ${JSON.stringify(response)}`));
        },
      )
        .then(publish)
        .catch(reject);
    });
  }

  test('MQTT 3.1.1 and IotIdentityClient (the sample): CreateKeysAndCertificate, RegisterThing, then connect as the thing', async () => {
    const claim = await makeClaim(t, 'sdk-fleet');
    const connection = await connect311(claim, 'sdk-claim-311');
    const identity = new iotidentity.IotIdentityClient(connection);
    const qos = mqtt.QoS.AtLeastOnce;

    const keys = await answer<iotidentity.model.CreateKeysAndCertificateResponse>(
      async (ok, no) => {
        await identity.subscribeToCreateKeysAndCertificateAccepted({}, qos, ok);
        await identity.subscribeToCreateKeysAndCertificateRejected({}, qos, no);
      },
      () => identity.publishCreateKeysAndCertificate({}, qos),
    );
    assert.match(keys.certificateId!, /^[0-9a-f]{64}$/);
    assert.ok(keys.privateKey && keys.certificatePem && keys.certificateOwnershipToken);

    const registered = await answer<iotidentity.model.RegisterThingResponse>(
      async (ok, no) => {
        await identity.subscribeToRegisterThingAccepted({ templateName: 'sdk-fleet' }, qos, ok);
        await identity.subscribeToRegisterThingRejected({ templateName: 'sdk-fleet' }, qos, no);
      },
      () =>
        identity.publishRegisterThing(
          {
            templateName: 'sdk-fleet',
            certificateOwnershipToken: keys.certificateOwnershipToken,
            parameters: { SerialNumber: 'SDK311' },
          },
          qos,
        ),
    );
    assert.equal(registered.thingName, 'device-SDK311');
    assert.deepEqual(registered.deviceConfiguration, { telemetryTopic: 'fleet/SDK311/telemetry' });
    await connection.disconnect();

    const thing = await t.iot.send(new DescribeThingCommand({ thingName: 'device-SDK311' }));
    assert.deepEqual(thing.attributes, { serial: 'SDK311' });
    const device = await connect311({ certPem: keys.certificatePem!, keyPem: keys.privateKey! }, 'device-SDK311');
    await device.publish('fleet/SDK311/telemetry', JSON.stringify({ t: 20.5 }), mqtt.QoS.AtLeastOnce);
    await device.disconnect();
  });

  test('MQTT 5 and IotIdentityClientv2 (request-response): CreateCertificateFromCsr, RegisterThing, then connect', async () => {
    const claim = await makeClaim(t, 'sdk-fleet');
    const client = await start5(claim, 'sdk-claim-5');
    const identity = iotidentity.IotIdentityClientv2.newFromMqtt5(client, {
      maxRequestResponseSubscriptions: 4,
      maxStreamingSubscriptions: 2,
      operationTimeoutInSeconds: 10,
    });
    try {
      const keys = await generateDeviceKeys('sdk-csr-device');
      const created = await identity.createCertificateFromCsr({ certificateSigningRequest: keys.csrPem });
      assert.ok(created.certificateOwnershipToken && created.certificatePem);
      const registered = await identity.registerThing({
        templateName: 'sdk-fleet',
        certificateOwnershipToken: created.certificateOwnershipToken,
        parameters: { SerialNumber: 'SDK5' },
      });
      assert.equal(registered.thingName, 'device-SDK5');
      const cert = await t.iot.send(new DescribeCertificateCommand({ certificateId: created.certificateId }));
      assert.equal(cert.certificateDescription?.status, 'ACTIVE');

      // A rejected request reaches the SDK as a rejection carrying AWS's error document.
      await assert.rejects(
        identity.registerThing({
          templateName: 'sdk-fleet',
          certificateOwnershipToken: created.certificateOwnershipToken,
          parameters: { SerialNumber: 'SDK5-again' },
        }),
        (err: unknown) => JSON.stringify(err).includes('InvalidCertificateOwnershipToken'),
      );

      const device = await start5({ certPem: created.certificatePem!, keyPem: keys.privateKeyPem }, 'device-SDK5');
      await device.publish({ topicName: 'fleet/SDK5/telemetry', qos: mqtt5.QoS.AtLeastOnce, payload: '{"t":1}' });
      await stop5(device);
    } finally {
      identity.close();
      await stop5(client);
    }
  });
});
