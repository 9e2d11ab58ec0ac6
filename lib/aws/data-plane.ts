import 'server-only';

import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';

import { readIotConfig, type IotConfig } from './config';
import { dataAtsEndpoint } from './endpoint';
import { logAwsFailures } from './failure-log';
import { noteRequestIds } from './request-ids';

/**
 * The iot-data client (device shadows, retained messages, publish). Locally it points at the emulator's
 * data endpoint with the config's throwaway credentials; against AWS at `https://<iot:Data-ATS endpoint>`
 * (DescribeEndpoint, looked up once) with the SDK's default credential chain, unless
 * AWS_ENDPOINT_URL_IOT_DATA_PLANE overrides it. One client per distinct configuration, as lib/aws/client.ts.
 */
let cached: { key: string; client: Promise<IoTDataPlaneClient> } | undefined;

function configKey(config: IotConfig): string {
  return JSON.stringify([
    config.mode,
    config.region,
    config.controlEndpoint,
    config.dataEndpoint,
    config.credentials?.accessKeyId,
  ]);
}

async function dataEndpointUrl(config: IotConfig): Promise<string> {
  if (config.dataEndpoint) return config.dataEndpoint;
  return `https://${await dataAtsEndpoint(config)}`;
}

/** Where shadow calls go, for messages ("Cannot reach AWS IoT at ..."). */
export function describeDataEndpoint(config: IotConfig = readIotConfig()): string {
  return config.dataEndpoint ?? `the iot:Data-ATS endpoint of ${config.region}`;
}

export function getDataPlaneClient(config: IotConfig = readIotConfig()): Promise<IoTDataPlaneClient> {
  const key = configKey(config);
  if (cached?.key === key) return cached.client;

  const previous = cached;
  const client = dataEndpointUrl(config).then((endpoint) =>
    logAwsFailures(
      noteRequestIds(
        new IoTDataPlaneClient({
          region: config.region,
          endpoint,
          ...(config.credentials ? { credentials: config.credentials } : {}),
          maxAttempts: config.mode === 'local' ? 2 : 3,
        }),
      ),
    ),
  );
  cached = { key, client };
  // A failed endpoint lookup is not cached: the next call tries again.
  client.catch(() => {
    if (cached?.client === client) cached = undefined;
  });
  void previous?.client.then((c) => c.destroy()).catch(() => undefined);
  return client;
}
