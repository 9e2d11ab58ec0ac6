import { generateKeyPairSync } from 'node:crypto';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  CreatePolicyCommand,
  CreateThingCommand,
} from '@aws-sdk/client-iot';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { x509 } from '../../lib/pki/x509';
import type { TestEmulator } from './harness';

/** What a device holds after onboarding: its certificate and key, and the root it trusts. */
export interface DeviceCredentials {
  thingName: string;
  certificateArn: string;
  certificateId: string;
  certPem: string;
  keyPem: string;
  caPem: string;
}

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** An EC P-256 key pair and a CSR for it, made the way a device or the browser makes them. */
export async function makeKeyAndCsr(commonName: string): Promise<{ keyPem: string; csrPem: string }> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const priv = await crypto.subtle.importKey('pkcs8', pkcs8, EC, true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', priv);
  const pub = await crypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, EC, true, [
    'verify',
  ]);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${commonName}`,
    keys: { privateKey: priv, publicKey: pub },
    signingAlgorithm: EC,
  });
  return { keyPem, csrPem: csr.toString('pem') };
}

/**
 * Onboards a device through the real control plane, in AWS's order: thing, certificate from a CSR,
 * policy attached to the certificate, certificate attached to the thing. `policy` undefined attaches none.
 */
export async function onboardDevice(
  t: TestEmulator,
  thingName: string,
  policy?: { name: string; document: object | string },
): Promise<DeviceCredentials> {
  await t.iot.send(new CreateThingCommand({ thingName }));
  const { keyPem, csrPem } = await makeKeyAndCsr(thingName);
  const cert = await t.iot.send(
    new CreateCertificateFromCsrCommand({ certificateSigningRequest: csrPem, setAsActive: true }),
  );
  if (policy) {
    const policyDocument = typeof policy.document === 'string' ? policy.document : JSON.stringify(policy.document);
    await t.iot.send(new CreatePolicyCommand({ policyName: policy.name, policyDocument })).catch((err: Error) => {
      if (err.name !== 'ResourceAlreadyExistsException') throw err;
    });
    await t.iot.send(new AttachPolicyCommand({ policyName: policy.name, target: cert.certificateArn }));
  }
  await t.iot.send(new AttachThingPrincipalCommand({ thingName, principal: cert.certificateArn }));
  return {
    thingName,
    certificateArn: cert.certificateArn!,
    certificateId: cert.certificateId!,
    certPem: cert.certificatePem!,
    keyPem,
    caPem: t.emulator.rootCaPem,
  };
}

/** A policy allowing everything, for observers in tests. */
export const ALLOW_ALL = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }],
};

/**
 * Connects an mqtt.js client over mutual TLS. Resolves once CONNACK arrives; rejects when the broker
 * closes the connection first (refused certificate or Connect not allowed), without reconnecting.
 */
export function connectDevice(
  t: TestEmulator,
  creds: Pick<DeviceCredentials, 'certPem' | 'keyPem' | 'caPem'>,
  clientId: string,
  extra: IClientOptions = {},
): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(t.emulator.urls.mqtt, {
      clientId,
      cert: creds.certPem,
      key: creds.keyPem,
      ca: creds.caPem,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...extra,
    });
    const fail = (err?: Error) => {
      client.end(true);
      reject(err ?? new Error('connection closed before CONNACK'));
    };
    client.once('connect', () => {
      client.off('close', onClose);
      client.off('error', fail);
      resolve(client);
    });
    const onClose = () => fail();
    client.once('close', onClose);
    client.once('error', fail);
  });
}

/**
 * Subscribes and returns what the broker granted per filter (128 = refused). mqtt.js rejects a SUBACK
 * with any refusal; the granted codes are on the error's packet.
 */
export async function subscribeGranted(
  client: MqttClient,
  topics: string | string[],
): Promise<{ topic: string; qos: number }[]> {
  const list = Array.isArray(topics) ? topics : [topics];
  try {
    const granted = await client.subscribeAsync(list);
    return granted.map((g) => ({ topic: g.topic, qos: g.qos }));
  } catch (err) {
    const packet = (err as { packet?: { granted?: number[] } }).packet;
    if (!packet?.granted) throw err;
    return list.map((topic, i) => ({ topic, qos: packet.granted![i]! }));
  }
}

/** Resolves with the next message on `topic` (exact), or rejects after `ms`. */
export function nextMessage(
  client: MqttClient,
  topic: string,
  ms = 3000,
): Promise<{ topic: string; payload: Buffer; retain: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`no message on ${topic} within ${ms} ms`));
    }, ms);
    const onMessage = (received: string, payload: Buffer, packet: { retain?: boolean }) => {
      if (received !== topic) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve({ topic: received, payload, retain: Boolean(packet.retain) });
    };
    client.on('message', onMessage);
  });
}

/** Resolves when the client's connection closes (the broker cut it off), or rejects after `ms`. */
export function closed(client: MqttClient, ms = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!client.connected) return resolve();
    const timer = setTimeout(() => reject(new Error(`still connected after ${ms} ms`)), ms);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
