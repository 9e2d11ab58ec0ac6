import 'server-only';

import { type Auth, createAuth } from '@/lib/auth/better-auth';
import { firstAdminMessage, prepareFirstAdmin } from '@/lib/auth/first-admin';
import { authConfigFromEnv, wantsSecureCookies } from '@/lib/auth/server-auth';
import { createIotClient } from '@/lib/aws/client';
import { readIotConfig } from '@/lib/aws/config';
import { bulkJobsRepository } from '@/lib/db/bulk-jobs';
import { databaseConfigFromEnv } from '@/lib/db/config';
import { type Database, openDatabase } from '@/lib/db/database';
import { usersRepository } from '@/lib/db/users';
import { PresenceTracker } from '@/lib/fleet/presence';
import { logger } from '@/lib/log/logger';
import type { DashboardMqttSession } from '@/lib/mqtt/sessions';
import { onboardingAws } from '@/lib/onboarding/aws';
import { bulkJobAudit } from '@/lib/onboarding/bulk/audit';
import { BulkJobs, DEFAULT_LEASE_MS } from '@/lib/onboarding/bulk/jobs';
import type { ThingIndexState } from '@/lib/things/thing-index';

import { CLIENT_ADDRESS_HEADER, installClientAddressHeader, trustedProxiesFromEnv } from './client-address';
import { installRequestLog } from './request-log';

/**
 * The dashboard server's process-wide services, created here and nowhere else, each on first use (the
 * database, the first admin and bulk jobs at start-up too: instrumentation.ts). Each lives on globalThis under
 * a Symbol.for key because Next.js loads a module more than once in one process (every route bundle has its
 * own module instances, and dev mode reloads them): two bulk job services would claim the same jobs twice over,
 * PGlite serves one opener, two presence trackers would open two MQTT connections, and a second session registry
 * would lose the open tabs' sessions.
 */

function processWide<T>(name: string, create: () => T): () => T {
  const key = Symbol.for(`iot-dashboard.${name}`);
  const holder = globalThis as Record<symbol, T | undefined>;
  return () => (holder[key] ??= create());
}

/** As processWide, for a service that opens asynchronously: a failed open is forgotten, so the next use retries. */
function processWideAsync<T>(name: string, create: () => Promise<T>): () => Promise<T> {
  const key = Symbol.for(`iot-dashboard.${name}`);
  const holder = globalThis as Record<symbol, Promise<T> | undefined>;
  return () => {
    const existing = holder[key];
    if (existing) return existing;
    const opening = create().catch((err: unknown) => {
      if (holder[key] === opening) delete holder[key];
      throw err;
    });
    holder[key] = opening;
    return opening;
  };
}

/**
 * The dashboard's own database (lib/db), opened and migrated on first use from the environment: DATABASE_URL,
 * else PGlite under DASHBOARD_DATA_DIR. One per process: PGlite serves one opener, and one pool is enough.
 */
export const dashboardDatabase = processWideAsync<Database>('database', () => openDatabase(databaseConfigFromEnv()));

/** Closes it (server shutdown, so PGlite's lock file goes and PostgreSQL connections end cleanly). */
export async function closeDashboardDatabase(): Promise<void> {
  const key = Symbol.for('iot-dashboard.database');
  const holder = globalThis as Record<symbol, Promise<Database> | undefined>;
  const open = holder[key];
  delete holder[key];
  await (await open?.catch(() => undefined))?.close();
}

const authConfig = processWide('auth-config', () => authConfigFromEnv());

/**
 * better-auth on the dashboard's database (lib/auth/better-auth.ts), configured from the environment
 * (lib/auth/server-auth.ts). Two instances that differ only in their cookies: `Secure` (named `__Secure-...`)
 * for requests that came over HTTPS, plain for the others (a laptop on http://localhost), unless
 * DASHBOARD_SECURE_COOKIES settles it for every request.
 */
const authInstances = processWide('auth', () => new Map<boolean, Promise<Auth>>());

export function dashboardAuth(secureCookies: boolean): Promise<Auth> {
  const instances = authInstances();
  let auth = instances.get(secureCookies);
  if (!auth) {
    auth = dashboardDatabase().then((database) =>
      createAuth({
        db: database.db,
        ...authConfig(),
        secureCookies,
        ipAddressHeaders: [CLIENT_ADDRESS_HEADER],
      }),
    );
    auth.catch(() => instances.delete(secureCookies));
    instances.set(secureCookies, auth);
  }
  return auth;
}

/** The better-auth instance whose cookies fit this request (see dashboardAuth). */
export function authForRequest(headers: Headers): Promise<Auth> {
  const config = authConfig();
  return dashboardAuth(wantsSecureCookies(headers, config.cookieSecurity, config.baseURL));
}

/** DASHBOARD_JOB_LEASE_SECONDS: how long a bulk job stays with an instance that stopped renewing its lease. */
export function jobLeaseMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const seconds = Number(env.DASHBOARD_JOB_LEASE_SECONDS);
  return env.DASHBOARD_JOB_LEASE_SECONDS && Number.isFinite(seconds) && seconds >= 1
    ? seconds * 1000
    : DEFAULT_LEASE_MS;
}

/**
 * Bulk jobs (lib/onboarding/bulk/jobs.ts) in the dashboard's database, shared with every other instance on it.
 * Starting the service resumes every job left running, and keeps taking over jobs whose instance died. Its AWS
 * client has the SDK's retries off: the runner rate-limits and retries every call itself.
 */
export const bulkJobs = processWideAsync('bulk-jobs', async () => {
  const database = await dashboardDatabase();
  const jobs = new BulkJobs({
    repo: bulkJobsRepository(database.db),
    aws: onboardingAws(createIotClient(readIotConfig(), { maxAttempts: 1 })),
    // The embedded database is opened by one process at a time: any lease in it is a dead process's.
    singleProcess: database.driver === 'pglite',
    leaseMs: jobLeaseMs(),
    record: bulkJobAudit(database.db),
    log: (message) => logger().warn({ component: 'bulk-jobs' }, message),
  });
  await jobs.start();
  return jobs;
});

/** The thing index's cache (lib/things/thing-index.ts). */
export const thingIndexState = processWide<ThingIndexState>('thing-index', () => ({ generation: 0 }));

/** One dashboard MQTT session per open tab (lib/mqtt/sessions.ts), by session id. */
export const mqttSessionRegistry = processWide('mqtt-sessions', () => new Map<string, DashboardMqttSession>());

/** The fleet presence tracker: one MQTT connection for the whole server, started on first use. */
export const presenceTrackerService = processWide('presence-tracker', () => new PresenceTracker());

/** The service's instance if it was ever made (shutting down starts nothing). */
function existing<T>(name: string): T | undefined {
  return (globalThis as Record<symbol, T | undefined>)[Symbol.for(`iot-dashboard.${name}`)];
}

/**
 * Stops the work startServices and first uses started, for a graceful shutdown (lib/server/shutdown.ts), the
 * database left open for the requests still finishing (closeDashboardDatabase comes last): bulk jobs stop
 * taking devices, commit what they recorded and release their leases (another instance, or the next start,
 * resumes them at once); every tab's MQTT session and the presence tracker disconnect from the broker. Each
 * step runs even when another failed; the failures are returned.
 */
export async function stopServices(): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (err) {
      problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const jobs = existing<Promise<BulkJobs>>('bulk-jobs');
  const sessions = existing<Map<string, DashboardMqttSession>>('mqtt-sessions');
  const presence = existing<PresenceTracker>('presence-tracker');
  await Promise.all([
    attempt('bulk jobs', async () => (await jobs?.catch(() => undefined))?.stop()),
    attempt('MQTT sessions', () => Promise.all([...(sessions?.values() ?? [])].map((s) => s.close()))),
    attempt('presence tracker', async () => presence?.close()),
  ]);
  return problems;
}

/** The database, migrated, and the first admin when there is no user yet (lib/auth/first-admin.ts). */
async function prepareAccounts(): Promise<void> {
  const database = await dashboardDatabase();
  const config = authConfig();
  const outcome = await prepareFirstAdmin(await dashboardAuth(false), usersRepository(database.db), process.env);
  const message = firstAdminMessage(outcome, `${config.baseURL}/signin`);
  if (message) (outcome.kind === 'needs-password' ? console.error : console.log)(message);
}

/**
 * What must run when the server starts (Next's instrumentation register(), before the first request): every
 * request is stamped with the client's address, the database is opened and migrated, the first admin made,
 * and unfinished bulk jobs resume. A failure is reported and the server still starts (the pages say what is
 * wrong).
 */
export async function startServices(): Promise<void> {
  const problems: string[] = [];
  try {
    installClientAddressHeader(trustedProxiesFromEnv());
    installRequestLog(trustedProxiesFromEnv());
  } catch (err) {
    // Never without the stamp: a client could then send the header itself. The TCP peer is still right.
    installClientAddressHeader([]);
    installRequestLog([]);
    problems.push(err instanceof Error ? err.message : String(err));
  }
  try {
    await prepareAccounts();
  } catch (err) {
    problems.push(`the database: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    await bulkJobs();
  } catch (err) {
    problems.push(`bulk jobs: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (problems.length) throw new Error(problems.join('; '));
}
