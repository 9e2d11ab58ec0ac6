import 'server-only';

import { IoTClient } from '@aws-sdk/client-iot';

import { readIotConfig, type IotConfig } from './config';
import { logAwsFailures } from './failure-log';
import { noteRequestIds } from './request-ids';

/**
 * The one IoTClient factory. `createIotClient` makes a client for a configuration; `getIotClient` keeps one
 * per distinct configuration for the whole server. The SDK client holds a keep-alive agent and a credential
 * cache, so building one per request would waste sockets and (in aws mode) re-run the credential chain.
 * Keyed by config so a changed environment (tests) gets a new client.
 *
 * A caller that needs other retry settings makes its own client here and passes it to the lib/aws
 * functions as their `client` option: the bulk runner turns the SDK's retries off (maxAttempts 1) because
 * it rate-limits and retries every call itself.
 */
export interface IotClientOptions {
  /** Attempts per request, the first included. Default: 2 locally (a dead emulator fails fast), 3 against AWS. */
  maxAttempts?: number;
}

export function createIotClient(config: IotConfig, options: IotClientOptions = {}): IoTClient {
  // Every response's request id is noted for the audit trail (lib/aws/request-ids.ts); every failure is
  // logged once (lib/aws/failure-log.ts).
  return logAwsFailures(
    noteRequestIds(
      new IoTClient({
        region: config.region,
        // In local mode both are explicit; in aws mode undefined lets the SDK use its
        // defaults (regional endpoint or AWS_ENDPOINT_URL_IOT, and the credential chain).
        ...(config.controlEndpoint ? { endpoint: config.controlEndpoint } : {}),
        ...(config.credentials ? { credentials: config.credentials } : {}),
        // A dead local emulator should produce an error page quickly, not after long backoffs.
        maxAttempts: options.maxAttempts ?? (config.mode === 'local' ? 2 : 3),
      }),
    ),
  );
}

let cached: { key: string; client: IoTClient } | undefined;

function configKey(config: IotConfig): string {
  return JSON.stringify([config.mode, config.region, config.controlEndpoint, config.credentials?.accessKeyId]);
}

/** The server's shared client for the current configuration. */
export function getIotClient(config: IotConfig = readIotConfig()): IoTClient {
  const key = configKey(config);
  if (cached?.key === key) return cached.client;

  cached?.client.destroy();
  const client = createIotClient(config);
  cached = { key, client };
  return client;
}
