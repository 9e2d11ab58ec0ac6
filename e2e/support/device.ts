import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  DeleteCertificateCommand,
  DeletePolicyCommand,
  DeleteThingCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  type IoTClient,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import mqtt, { type MqttClient } from 'mqtt';

import { E2E_ENV, requireEnv } from '../stack';

/**
 * A real device for specs: a thing, AWS-made keys and certificate, a policy allowing the given topics,
 * the attachments, and an mqtt.js connection over mutual TLS to the local IoT Core. `cleanup` undoes it
 * all in AWS's order so specs that inspect the registry are not disturbed.
 */
export interface E2eDevice {
  thingName: string;
  certificateId: string;
  client: MqttClient;
  cleanup(): Promise<void>;
}

const emulatorUrl = () => requireEnv(E2E_ENV.emulatorUrl);

/** The broker's MQTT port and the root CA devices trust, from the emulator's admin routes. */
export async function brokerInfo(): Promise<{ host: string; mqttPort: number; rootCa: string }> {
  const [health, rootCa] = await Promise.all([
    fetch(`${emulatorUrl()}/_emulator/health`).then((r) => r.json() as Promise<{ mqttPort: number }>),
    fetch(`${emulatorUrl()}/_emulator/root-ca.pem`).then((r) => r.text()),
  ]);
  return { host: new URL(emulatorUrl()).hostname, mqttPort: health.mqttPort, rootCa };
}

/** `topics`: what the device may publish, subscribe to and receive; `{thing}` stands for its thing name. */
export async function arrangeDevice(iot: IoTClient, label: string, topicPatterns: string[] = []): Promise<E2eDevice> {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const thingName = `e2e-${label}-${suffix}`;
  const policyName = `e2e-${label}-policy-${suffix}`;
  const arn = (path: string) => `arn:aws:iot:*:*:${path}`;
  const broker = await brokerInfo();
  const topics = topicPatterns.map((t) => t.replaceAll('{thing}', thingName));

  await iot.send(new CreateThingCommand({ thingName }));
  const cert = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
  const statements: object[] = [{ Effect: 'Allow', Action: 'iot:Connect', Resource: arn(`client/${thingName}`) }];
  if (topics.length) {
    statements.push(
      { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: topics.map((t) => arn(`topic/${t}`)) },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: topics.map((t) => arn(`topicfilter/${t}`)) },
    );
  }
  await iot.send(
    new CreatePolicyCommand({
      policyName,
      policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    }),
  );
  await iot.send(new AttachPolicyCommand({ policyName, target: cert.certificateArn }));
  await iot.send(new AttachThingPrincipalCommand({ thingName, principal: cert.certificateArn }));

  const client = await mqtt.connectAsync(`mqtts://${broker.host}:${broker.mqttPort}`, {
    clientId: thingName,
    cert: cert.certificatePem,
    key: cert.keyPair!.PrivateKey,
    ca: broker.rootCa,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });

  return {
    thingName,
    certificateId: cert.certificateId!,
    client,
    async cleanup() {
      await client.endAsync(true).catch(() => undefined);
      await iot
        .send(new DetachThingPrincipalCommand({ thingName, principal: cert.certificateArn }))
        .catch(() => undefined);
      await iot.send(new DetachPolicyCommand({ policyName, target: cert.certificateArn })).catch(() => undefined);
      await iot
        .send(new UpdateCertificateCommand({ certificateId: cert.certificateId, newStatus: 'INACTIVE' }))
        .catch(() => undefined);
      await iot.send(new DeleteCertificateCommand({ certificateId: cert.certificateId })).catch(() => undefined);
      await iot.send(new DeletePolicyCommand({ policyName })).catch(() => undefined);
      await iot.send(new DeleteThingCommand({ thingName })).catch(() => undefined);
    },
  };
}
