import 'server-only';

import { IoTClient } from '@aws-sdk/client-iot';

import { readIotConfig, type IotConfig } from './config';

/**
 * One IoTClient per distinct configuration. The SDK client holds a keep-alive agent and a
 * credential cache, so building one per request would waste sockets and (in aws mode)
 * re-run the credential chain. Keyed by config so a changed environment (tests) gets a new client.
 */
let cached: { key: string; client: IoTClient } | undefined;

function configKey(config: IotConfig): string {
  return JSON.stringify([config.mode, config.region, config.controlEndpoint, config.credentials?.accessKeyId]);
}

export function getIotClient(config: IotConfig = readIotConfig()): IoTClient {
  const key = configKey(config);
  if (cached?.key === key) return cached.client;

  cached?.client.destroy();
  const client = new IoTClient({
    region: config.region,
    // In local mode both are explicit; in aws mode undefined lets the SDK use its
    // defaults (regional endpoint or AWS_ENDPOINT_URL_IOT, and the credential chain).
    ...(config.controlEndpoint ? { endpoint: config.controlEndpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    // A dead local emulator should produce an error page quickly, not after long backoffs.
    maxAttempts: config.mode === 'local' ? 2 : 3,
  });
  cached = { key, client };
  return client;
}
