import 'server-only';

import { DescribeEndpointCommand } from '@aws-sdk/client-iot';

import { getIotClient } from './client';
import { describeControlEndpoint, readIotConfig, type IotConfig } from './config';
import { toAppError } from './errors';

/**
 * Where devices and the dashboard's MQTT session connect: the account's iot:Data-ATS endpoint. AWS creates
 * it once per account and region and never changes it, so one lookup per configuration is enough.
 */
const cache = new Map<string, Promise<string>>();

export function dataAtsEndpoint(config: IotConfig = readIotConfig()): Promise<string> {
  const key = `${config.mode}|${config.region}|${config.controlEndpoint ?? ''}`;
  let found = cache.get(key);
  if (!found) {
    found = getIotClient(config)
      .send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }))
      .then((out) => {
        if (!out.endpointAddress) throw new Error('DescribeEndpoint returned no address');
        return out.endpointAddress;
      })
      .catch((err: unknown) => {
        cache.delete(key);
        throw toAppError(err, { resource: 'data endpoint', endpoint: describeControlEndpoint(config) });
      });
    cache.set(key, found);
  }
  return found;
}

/** The credentials the SDK resolved (env, profile, SSO, role in AWS mode; the throwaway pair locally). */
export async function resolvedCredentials(config: IotConfig = readIotConfig()) {
  const provider = getIotClient(config).config.credentials;
  const creds = await provider();
  return { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken };
}
