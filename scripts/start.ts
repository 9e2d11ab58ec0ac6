/**
 * `npm start` / `npm run dev`: the local IoT Core emulator in this process plus the Next.js
 * dashboard as a child process pointed at it. With IOT_MODE=aws only the dashboard runs, and
 * the SDK uses the default credential chain.
 *
 *   IOT_EMULATOR_HTTP_PORT (4580)  IOT_EMULATOR_MQTT_PORT (8883)  IOT_EMULATOR_CREDENTIALS_PORT (4581)
 *   IOT_EMULATOR_DATA_DIR (.data/emulator)
 *   HOST (127.0.0.1; 0.0.0.0 in a container or behind a proxy)  PORT (3000)  AWS_REGION (us-east-1)
 *   DASHBOARD_URL (http://<HOST>:<PORT>): the address people open, passed to the dashboard
 *   --dev: `next dev` instead of a production build
 * Accounts live in the dashboard's database: at its first start the dashboard itself makes the first admin
 * (DASHBOARD_ADMIN_PASSWORD, or in local mode a generated password it prints once: lib/auth/first-admin.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LOCAL_CREDENTIALS } from '../lib/local/credentials';
import { ADMIN_TOKEN_FILE_ENV, ADMIN_TOKEN_FILE_NAME } from '../lib/local/emulator-admin';

import type { Emulator } from '../emulator/index';
import {
  buildNext,
  canBuildNext,
  distDir,
  isBuildStale,
  projectRoot,
  startNext,
  type Env,
  type NextServer,
} from './next-app';

const dev = process.argv.includes('--dev');
const mode = (process.env.IOT_MODE ?? 'local').trim().toLowerCase();
const region = process.env.AWS_REGION ?? 'us-east-1';
// Loopback unless told otherwise: a laptop's console should not be reachable from the network by default.
const host = process.env.HOST?.trim() || '127.0.0.1';
/** The dashboard's own bound (DASHBOARD_SHUTDOWN_SECONDS, default 20 s) and a margin for the emulator. */
const SHUTDOWN_BOUND_MS = (Number(process.env.DASHBOARD_SHUTDOWN_SECONDS) || 20) * 1000 + 10_000;

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const port = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`${name} must be a port number (0-65535), not "${raw}"`);
    process.exit(1);
  }
  return port;
}

async function startEmulator(): Promise<Emulator> {
  // Imported lazily so IOT_MODE=aws never loads (or binds) the emulator.
  const { createEmulator } = await import('../emulator/index');
  return createEmulator({
    httpPort: portFromEnv('IOT_EMULATOR_HTTP_PORT', 4580),
    mqttPort: portFromEnv('IOT_EMULATOR_MQTT_PORT', 8883),
    credentialsPort: portFromEnv('IOT_EMULATOR_CREDENTIALS_PORT', 4581),
    // Local mode has fleet indexing on (fleet status and search from SearchIndex), until the operator turns it off.
    fleetIndexing: true,
    dataDir: path.resolve(projectRoot, process.env.IOT_EMULATOR_DATA_DIR ?? '.data/emulator'),
    region,
    accountId: process.env.IOT_EMULATOR_ACCOUNT_ID || undefined,
    allowedHosts: process.env.IOT_EMULATOR_ALLOWED_HOSTS,
    log: (line) => console.error(`[emulator] ${line}`),
  });
}

async function main(): Promise<void> {
  if (mode !== 'local' && mode !== 'aws') {
    console.error(`IOT_MODE must be "local" or "aws", not "${mode}"`);
    process.exit(1);
  }
  const port = portFromEnv('PORT', 3000);
  const publicUrl = (
    process.env.DASHBOARD_URL?.trim() || `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`
  ).replace(/\/+$/, '');

  // Build first: a failing build should not leave the emulator's ports taken. A production install (no dev
  // dependencies) cannot build, and installing it may touch package-lock.json: it runs the build it was given.
  if (!dev && isBuildStale()) {
    if (canBuildNext()) {
      console.log('Building the dashboard (next build)...');
      await buildNext();
    } else if (existsSync(path.join(projectRoot, distDir(), 'BUILD_ID'))) {
      console.error(
        'Note: the sources changed since the last build; running that build (no dev dependencies to rebuild).',
      );
    } else {
      console.error('The dashboard is not built: run `npm run build` before removing dev dependencies.');
      process.exit(1);
    }
  }

  let emulator: Emulator | undefined;
  const env: Env = {
    IOT_MODE: mode,
    AWS_REGION: region,
    // The SDK warns on every start that its 2027 releases need Node 22; the README says so once instead.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? 'true',
    DASHBOARD_URL: publicUrl,
  };
  if (mode === 'local') {
    emulator = await startEmulator();
    // The SDK's standard per-service endpoint variables; lib/aws/config.ts reads the same ones.
    env.AWS_ENDPOINT_URL_IOT = emulator.urls.http;
    env.AWS_ENDPOINT_URL_IOT_DATA_PLANE = emulator.urls.http;
    // Throwaway credentials: the emulator accepts any SigV4 signature, and a developer's
    // real keys or profile should never be used (or needed) locally.
    env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
    env.AWS_SESSION_TOKEN = undefined;
    env.AWS_PROFILE = undefined;
    // Where the dashboard reads the emulator's admin token (it lists connected clients at start).
    if (emulator.config.dataDir) env[ADMIN_TOKEN_FILE_ENV] = path.join(emulator.config.dataDir, ADMIN_TOKEN_FILE_NAME);
    // Print every URL the emulator reports (the MQTT broker joins `urls` as it is built).
    const others = Object.entries(emulator.urls as Record<string, string>)
      .filter(([name]) => name !== 'http')
      .map(([name, url]) => `${name} ${url}`);
    console.log(`Emulator: ${emulator.urls.http} (AWS IoT API${others.length ? `; ${others.join(', ')}` : ''})`);
  }

  let next: NextServer;
  try {
    next = await startNext({ host, port, dev, env });
  } catch (err) {
    await emulator?.close();
    throw err;
  }
  console.log(`Dashboard: ${next.url}`);
  // The first start printed the first admin's password above (the dashboard's own output); later starts do not.
  console.log(`Sign in at ${publicUrl}/signin`);

  // SIGTERM / SIGINT (Ctrl-C, docker stop, systemd): the dashboard shuts down gracefully first (it stops taking
  // requests, bulk jobs checkpoint, its database closes: lib/server/shutdown.ts), then the emulator (its journal
  // is already on disk; its ports are released). Within SHUTDOWN_BOUND_MS in any case.
  let stopping = false;
  const shutdown = async (exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      console.error('Shutdown took too long: exiting.');
      process.exit(1);
    }, SHUTDOWN_BOUND_MS).unref();
    await next.stop(SHUTDOWN_BOUND_MS - 5000);
    await emulator?.close();
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  // If the dashboard dies on its own, do not leave a headless emulator behind.
  next.child.once('exit', (code) => {
    if (!stopping) {
      console.error(`The dashboard exited (code ${code ?? 'signal'}); stopping the emulator.`);
      void shutdown(code ?? 1);
    }
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
