import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import cbor from 'cbor';

import type { ClaimBundle } from '../bundle/claim-bundle';
import {
  createCertificateFromCsrTopic,
  createKeysAndCertificateTopic,
  type FleetProvisioningTopicKind,
  type ProvisioningPayloadFormat,
  registerThingTopic,
} from '../mqtt/reserved-topics';
import { generateDeviceKeys } from '../pki/browser-keys';
import { DeviceError, explainConnectError } from './simulator';

/**
 * Fleet provisioning from the device's side (AWS IoT developer guide, "Provisioning by claim"): connect with the
 * claim certificate, get a certificate of the device's own — CreateKeysAndCertificate (AWS makes the key) or
 * CreateCertificateFromCsr (the key is made here and never leaves) — then RegisterThing through the template,
 * and disconnect. What comes back is what the device keeps and connects with from then on.
 */

export interface ProvisionOptions {
  templateName: string;
  /** RegisterThing's parameters (SerialNumber, ...). */
  parameters: Record<string, string>;
  /** Make the key here and send a CSR, rather than have AWS IoT make the key. */
  csr: boolean;
  /** The claim connection's client id. */
  clientId: string;
  format?: ProvisioningPayloadFormat;
  log: (line: string) => void;
  timeoutMs?: number;
}

export interface ProvisionedDevice {
  thingName: string;
  certificateId: string;
  certificatePem: string;
  privateKeyPem: string;
  deviceConfiguration: Record<string, string>;
}

export async function provisionByClaim(claim: ClaimBundle, opts: ProvisionOptions): Promise<ProvisionedDevice> {
  const format = opts.format ?? 'json';
  const client = await connectWithClaim(claim, opts);
  try {
    let privateKeyPem: string;
    let issued: { certificateId: string; certificatePem: string; certificateOwnershipToken: string };
    if (opts.csr) {
      const keys = await generateDeviceKeys(opts.parameters.SerialNumber ?? opts.clientId);
      privateKeyPem = keys.privateKeyPem;
      issued = await request(
        client,
        (kind) => createCertificateFromCsrTopic(format, kind),
        format,
        {
          certificateSigningRequest: keys.csrPem,
        },
        opts,
      );
      opts.log(`certificate ${issued.certificateId} issued for the key made here (CreateCertificateFromCsr)`);
    } else {
      const answer = await request<typeof issued & { privateKey: string }>(
        client,
        (kind) => createKeysAndCertificateTopic(format, kind),
        format,
        {},
        opts,
      );
      privateKeyPem = answer.privateKey;
      issued = answer;
      opts.log(`certificate ${issued.certificateId} and its key received (CreateKeysAndCertificate)`);
    }
    const registered = await request<{ thingName?: string; deviceConfiguration?: Record<string, string> }>(
      client,
      (kind) => registerThingTopic(opts.templateName, format, kind),
      format,
      { certificateOwnershipToken: issued.certificateOwnershipToken, parameters: opts.parameters },
      opts,
    );
    if (!registered.thingName) {
      throw new DeviceError(`Template ${opts.templateName} registered no thing: give it an AWS::IoT::Thing resource.`);
    }
    opts.log(`registered as thing ${registered.thingName} through template ${opts.templateName}`);
    return {
      thingName: registered.thingName,
      certificateId: issued.certificateId,
      certificatePem: issued.certificatePem,
      privateKeyPem,
      deviceConfiguration: registered.deviceConfiguration ?? {},
    };
  } finally {
    await client.endAsync().catch(() => client.end(true));
  }
}

function connectWithClaim(claim: ClaimBundle, opts: ProvisionOptions): Promise<MqttClient> {
  const { endpoint, port } = claim.config;
  const options: IClientOptions = {
    clientId: opts.clientId,
    cert: claim.claimCertificatePem,
    key: claim.claimPrivateKeyPem,
    ca: claim.rootCaPem,
    protocolVersion: 4,
    clean: true,
    keepalive: 30,
    connectTimeout: opts.timeoutMs ?? 10_000,
    reconnectPeriod: 0,
  };
  opts.log(`connecting to ${endpoint}:${port} with the claim certificate as ${opts.clientId}`);
  const client = mqtt.connect(`mqtts://${endpoint}:${port}`, options);
  return new Promise((resolve, reject) => {
    const fail = (err: Error & { code?: string | number }) => {
      client.end(true);
      const explained = explainConnectError(err, { endpoint, port, clientId: opts.clientId }, true);
      reject(new DeviceError(`The claim could not connect: ${explained.message}`));
    };
    client.once('connect', () => {
      client.off('error', fail);
      client.off('close', onClose);
      resolve(client);
    });
    const onClose = () =>
      fail(
        new Error(
          'the broker closed the connection: is the claim certificate registered and ACTIVE (or, for a trusted-user claim, less than five minutes old), and does its policy allow iot:Connect?',
        ),
      );
    client.once('error', fail);
    client.once('close', onClose);
  });
}

/** Subscribes to the answers, publishes the request, resolves with `/accepted`'s body or throws `/rejected`'s. */
async function request<T>(
  client: MqttClient,
  topic: (kind: FleetProvisioningTopicKind) => string,
  format: ProvisioningPayloadFormat,
  body: object,
  opts: Pick<ProvisionOptions, 'timeoutMs'>,
): Promise<T> {
  const accepted = topic('accepted');
  const rejected = topic('rejected');
  const granted = await client
    .subscribeAsync([accepted, rejected], { qos: 1 })
    .catch((err: { packet?: { granted?: number[] } }) => {
      if (err.packet?.granted) return err.packet.granted.map((qos) => ({ qos }));
      throw err;
    });
  if (granted.some((g) => g.qos === 128)) {
    throw new DeviceError(
      `The claim's policy does not allow subscribing to ${accepted} (iot:Subscribe on its topicfilter).`,
    );
  }
  const ms = opts.timeoutMs ?? 10_000;
  const answer = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new DeviceError(
          `No answer on ${accepted} within ${ms / 1000} s: does the claim's policy allow iot:Publish on ${topic('request')}?`,
        ),
      );
    }, ms);
    const onClose = () => {
      cleanup();
      reject(
        new DeviceError(
          `The broker closed the connection at ${topic('request')}: the claim's policy does not allow it.`,
        ),
      );
    };
    const onMessage = (received: string, payload: Buffer) => {
      if (received !== accepted && received !== rejected) return;
      cleanup();
      let doc: Record<string, unknown>;
      try {
        doc = (format === 'json' ? JSON.parse(payload.toString('utf8')) : cbor.decodeFirstSync(payload)) as Record<
          string,
          unknown
        >;
      } catch {
        reject(new DeviceError(`The answer on ${received} is not ${format.toUpperCase()}.`));
        return;
      }
      if (received === accepted) resolve(doc as T);
      else
        reject(
          new DeviceError(`${topic('request')} was rejected: ${doc.statusCode} ${doc.errorCode}: ${doc.errorMessage}`),
        );
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('message', onMessage);
      client.off('close', onClose);
    };
    client.on('message', onMessage);
    client.once('close', onClose);
  });
  const payload = format === 'json' ? JSON.stringify(body) : cbor.encode(body);
  await client.publishAsync(topic('request'), payload, { qos: 1 });
  return answer;
}
