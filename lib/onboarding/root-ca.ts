import 'server-only';

import { describeControlEndpoint, readIotConfig, type IotConfig } from '../aws/config';
import { dataAtsEndpoint } from '../aws/endpoint';
import { AppError } from '../aws/errors';
import { amazonRootCa } from '../bundle/amazon-root-ca';
import type { DeviceConnection } from './types';

/**
 * Where a device connects and which root CA it must trust to verify the server:
 * - aws mode: DescribeEndpoint(iot:Data-ATS), port 8883 (MQTT over TLS with a client certificate), and
 *   Amazon Root CA 1, which signs the ATS endpoints' server certificates.
 * - local mode: the emulator's answer to DescribeEndpoint (`localhost`), the broker's MQTT port from its
 *   health route, and the emulator's own root, fetched from `<AWS_ENDPOINT_URL_IOT>/_emulator/root-ca.pem`.
 */

/** The MQTT-over-TLS port AWS IoT Core listens on for X.509 client certificates. */
export const AWS_MQTT_PORT = 8883;

export const LOCAL_ROOT_CA_FILE_NAME = 'root-ca.pem';

async function emulatorGet(config: IotConfig, route: string): Promise<Response> {
  const base = describeControlEndpoint(config).replace(/\/+$/, '');
  let res: Response;
  try {
    res = await fetch(`${base}/_emulator/${route}`, { cache: 'no-store', signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new AppError(
      'unavailable',
      `Cannot reach the local IoT Core at ${base}. Start it (npm run emulator) or use npm start.`,
      {
        source: 'fetch',
        cause: err,
      },
    );
  }
  if (!res.ok) {
    throw new AppError(
      'misconfigured',
      `The local IoT Core at ${base} did not serve /_emulator/${route} (HTTP ${res.status}). Is AWS_ENDPOINT_URL_IOT the emulator?`,
    );
  }
  return res;
}

/** Everything a device needs besides its own certificate and key. */
export async function deviceConnection(config: IotConfig = readIotConfig()): Promise<DeviceConnection> {
  if (config.mode === 'aws') {
    return {
      mode: 'aws',
      region: config.region,
      endpoint: await dataAtsEndpoint(config),
      port: AWS_MQTT_PORT,
      rootCa: amazonRootCa(),
    };
  }
  const [endpoint, health, pem] = await Promise.all([
    dataAtsEndpoint(config),
    emulatorGet(config, 'health').then((r) => r.json() as Promise<{ mqttPort?: unknown }>),
    emulatorGet(config, 'root-ca.pem').then((r) => r.text()),
  ]);
  const port = typeof health.mqttPort === 'number' ? health.mqttPort : AWS_MQTT_PORT;
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new AppError('misconfigured', 'The local IoT Core served a root CA that is not a PEM certificate.');
  }
  return {
    mode: 'local',
    region: config.region,
    endpoint,
    port,
    rootCa: {
      fileName: LOCAL_ROOT_CA_FILE_NAME,
      pem: pem.endsWith('\n') ? pem : `${pem}\n`,
      description:
        'The local IoT Core emulator’s own root CA: it signs the broker’s server certificate. Devices trust it instead of Amazon Root CA 1 while testing locally.',
    },
  };
}
