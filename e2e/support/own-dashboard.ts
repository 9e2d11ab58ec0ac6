import { getFreePort, type NextServer, startNext } from '../../scripts/next-app';
import { E2E_ENV, requireEnv } from '../stack';

/**
 * A dashboard server of a spec's own (a restart, a second instance, another sign-in configuration), on the same
 * build and the same local IoT Core as global setup's, signing in with the same first admin and cookie key.
 * `env` adds to or overrides the common environment (DASHBOARD_DATA_DIR, DATABASE_URL, OIDC_* ...).
 */
export async function startOwnDashboard(
  env: Record<string, string>,
  opts: { port?: number; host?: string } = {},
): Promise<NextServer> {
  const listenOn = opts.port ?? (await getFreePort());
  const emulatorUrl = requireEnv(E2E_ENV.emulatorUrl);
  return startNext({
    ...(opts.host ? { host: opts.host } : {}),
    port: listenOn,
    stdio: 'pipe',
    // The embedded database's first initdb makes a fresh dashboard slow to start on a busy machine.
    readyTimeoutMs: 180_000,
    env: {
      IOT_MODE: 'local',
      AWS_REGION: requireEnv(E2E_ENV.region),
      AWS_ENDPOINT_URL_IOT: emulatorUrl,
      AWS_ENDPOINT_URL_IOT_DATA_PLANE: emulatorUrl,
      AWS_ACCESS_KEY_ID: 'AKIAE2ETESTS00000000',
      AWS_SECRET_ACCESS_KEY: 'e2e-throwaway-secret',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      DASHBOARD_URL: `http://127.0.0.1:${listenOn}`,
      DASHBOARD_ADMIN_PASSWORD: requireEnv(E2E_ENV.password),
      BETTER_AUTH_SECRET: requireEnv(E2E_ENV.authSecret),
      ...env,
    },
  });
}
