import 'server-only';

import { DescribeEndpointCommand, type IoTClient } from '@aws-sdk/client-iot';

import { callIot, type CallOptions } from './call';
import { getIotClient } from './client';
import { describeControlEndpoint, readIotConfig, type IotConfig } from './config';
import { toAppError } from './errors';

/**
 * The account's endpoints (DescribeEndpoint): iot:Data-ATS, where devices and the dashboard's MQTT session
 * connect, and iot:CredentialProvider, where devices trade their certificate for AWS credentials. AWS creates
 * each once per account and region and never changes it, so one lookup per configuration is enough.
 */
type EndpointType = 'iot:Data-ATS' | 'iot:CredentialProvider';

const cache = new Map<string, Promise<string>>();

function sendDescribeEndpoint(client: IoTClient, endpointType: EndpointType, abortSignal?: AbortSignal) {
  return client.send(new DescribeEndpointCommand({ endpointType }), { abortSignal });
}

function describeEndpoint(endpointType: EndpointType, config: IotConfig): Promise<string> {
  const key = `${endpointType}|${config.mode}|${config.region}|${config.controlEndpoint ?? ''}`;
  let found = cache.get(key);
  if (!found) {
    found = sendDescribeEndpoint(getIotClient(config), endpointType)
      .then((out) => {
        if (!out.endpointAddress) throw new Error('DescribeEndpoint returned no address');
        return out.endpointAddress;
      })
      .catch((err: unknown) => {
        cache.delete(key);
        throw toAppError(err, {
          resource: endpointType === 'iot:Data-ATS' ? 'data endpoint' : 'credentials provider endpoint',
          endpoint: describeControlEndpoint(config),
        });
      });
    cache.set(key, found);
  }
  return found;
}

export function dataAtsEndpoint(config: IotConfig = readIotConfig()): Promise<string> {
  return describeEndpoint('iot:Data-ATS', config);
}

/**
 * The credentials provider's address (`<prefix>.credentials.iot.<region>.amazonaws.com` on AWS; the local IoT
 * Core's includes its port): devices call `https://<address>/role-aliases/<alias>/credentials`.
 */
export function credentialsProviderEndpoint(config: IotConfig = readIotConfig()): Promise<string> {
  return describeEndpoint('iot:CredentialProvider', config);
}

/** The credentials the SDK resolved (env, profile, SSO, role in AWS mode; the throwaway pair locally). */
export async function resolvedCredentials(config: IotConfig = readIotConfig()) {
  const provider = getIotClient(config).config.credentials;
  const creds = await provider();
  return { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken };
}

/**
 * "Does AWS IoT answer, with these credentials?" for the health route: one DescribeEndpoint, never cached
 * (the account's endpoint lookup above is), given up when `signal` aborts. Rejects with an AppError.
 */
export async function probeAws(options: CallOptions & { signal: AbortSignal }): Promise<void> {
  await callIot('endpoint', (client) => sendDescribeEndpoint(client, 'iot:Data-ATS', options.signal), options);
}
