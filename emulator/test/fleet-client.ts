import { AttachPolicyCommand, CreateKeysAndCertificateCommand, CreatePolicyCommand } from '@aws-sdk/client-iot';
import cbor from 'cbor';
import type { MqttClient } from 'mqtt';
import {
  type FleetProvisioningTopic,
  fleetProvisioningTopic,
  type ProvisioningPayloadFormat,
} from '../../lib/mqtt/reserved-topics';
import { claimPolicyDocument } from '../../lib/provisioning/claim-policy';
import type { DeviceCredentials } from './devices';
import type { TestEmulator } from './harness';

/** A device's side of the fleet provisioning MQTT API, for the tests: ask, and hear the answer on this connection. */

export interface Answer {
  kind: 'accepted' | 'rejected';
  topic: string;
  /** The decoded answer, read field by field by the tests. */
  body: any;
}

export const encode = (format: ProvisioningPayloadFormat, body: unknown): Buffer =>
  body === undefined ? Buffer.alloc(0) : format === 'json' ? Buffer.from(JSON.stringify(body)) : cbor.encode(body);

export const decode = (format: ProvisioningPayloadFormat, payload: Buffer): unknown =>
  format === 'json' ? JSON.parse(payload.toString('utf8')) : cbor.decodeFirstSync(payload);

/**
 * Subscribes to the operation's `/accepted` and `/rejected` (as AWS asks: before publishing), publishes the
 * request and resolves with the first answer, or rejects after `ms`.
 */
export async function ask(
  client: MqttClient,
  request: Omit<FleetProvisioningTopic, 'kind'>,
  body: unknown,
  ms = 5000,
): Promise<Answer> {
  const accepted = fleetProvisioningTopic({ ...request, kind: 'accepted' });
  const rejected = fleetProvisioningTopic({ ...request, kind: 'rejected' });
  await client.subscribeAsync([accepted, rejected], { qos: 1 });
  const answer = new Promise<Answer>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`no answer on ${accepted} or ${rejected} within ${ms} ms`));
    }, ms);
    const onMessage = (topic: string, payload: Buffer) => {
      if (topic !== accepted && topic !== rejected) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve({ kind: topic === accepted ? 'accepted' : 'rejected', topic, body: decode(request.format, payload) });
    };
    client.on('message', onMessage);
  });
  await client.publishAsync(fleetProvisioningTopic({ ...request, kind: 'request' }), encode(request.format, body), {
    qos: 1,
  });
  return answer;
}

/**
 * A claim certificate as a manufacturer makes one (CreateKeysAndCertificate, active) with a claim policy
 * attached: by default the least-privilege policy for `templateName`; `policyDocument` overrides it.
 */
export async function makeClaim(
  t: TestEmulator,
  templateName: string,
  opts: { policyName?: string; policyDocument?: string } = {},
): Promise<Omit<DeviceCredentials, 'thingName'>> {
  const policyName = opts.policyName ?? `claim-${templateName}`;
  const policyDocument =
    opts.policyDocument ??
    claimPolicyDocument({ templateName, region: t.emulator.config.region, accountId: t.emulator.config.accountId });
  await t.iot.send(new CreatePolicyCommand({ policyName, policyDocument })).catch((err: Error) => {
    if (err.name !== 'ResourceAlreadyExistsException') throw err;
  });
  const cert = await t.iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
  await t.iot.send(new AttachPolicyCommand({ policyName, target: cert.certificateArn }));
  return {
    certificateArn: cert.certificateArn!,
    certificateId: cert.certificateId!,
    certPem: cert.certificatePem!,
    keyPem: cert.keyPair!.PrivateKey!,
    caPem: t.emulator.rootCaPem,
  };
}
