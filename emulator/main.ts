import path from 'node:path';
import { ADMIN_TOKEN_FILE_NAME } from '../lib/local/emulator-admin';
import { createEmulator } from './index';
import { parseLambdaEndpoints } from './lambda-endpoints';

/** `npm run emulator`: the local IoT Core on its own, configured from the environment. */
function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`${name} must be a port number (0-65535), got "${raw}"`);
    process.exit(2);
  }
  return n;
}

function lambdaEndpointsFromEnv(): Record<string, string> {
  try {
    return parseLambdaEndpoints(process.env.IOT_EMULATOR_LAMBDA_ENDPOINTS);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
}

const emulator = await createEmulator({
  httpPort: intFromEnv('IOT_EMULATOR_HTTP_PORT', 4580),
  mqttPort: intFromEnv('IOT_EMULATOR_MQTT_PORT', 8883),
  credentialsPort: intFromEnv('IOT_EMULATOR_CREDENTIALS_PORT', 4581),
  fleetIndexing: process.env.IOT_EMULATOR_FLEET_INDEXING === '1',
  dataDir: process.env.IOT_EMULATOR_DATA_DIR || '.data/emulator',
  region: process.env.AWS_REGION || 'us-east-1',
  allowedHosts: process.env.IOT_EMULATOR_ALLOWED_HOSTS,
  accountId: process.env.IOT_EMULATOR_ACCOUNT_ID || undefined,
  enforceQuotas: process.env.IOT_EMULATOR_ENFORCE_QUOTAS === '1',
  snapshotEvery: process.env.IOT_EMULATOR_SNAPSHOT_EVERY ? Number(process.env.IOT_EMULATOR_SNAPSHOT_EVERY) : undefined,
  lambdaEndpoints: lambdaEndpointsFromEnv(),
  provisioningClaimSeconds: process.env.IOT_EMULATOR_PROVISIONING_CLAIM_SECONDS
    ? Number(process.env.IOT_EMULATOR_PROVISIONING_CLAIM_SECONDS)
    : undefined,
  log: (line) => console.error(`[emulator] ${line}`),
}).catch((err: unknown) => {
  console.error(`Local IoT Core failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

const { config } = emulator;
console.log(
  `Local IoT Core listening: API ${emulator.urls.http}, MQTT ${emulator.urls.mqtt} (region ${config.region}, account ${config.accountId}), data in ${config.dataDir}`,
);
if (config.dataDir) {
  console.log(`Admin routes (/_emulator/) take the token in ${path.join(config.dataDir, ADMIN_TOKEN_FILE_NAME)}`);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void emulator.close().then(() => process.exit(0));
  });
}
