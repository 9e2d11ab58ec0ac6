import 'server-only';

import { createIotClient } from '@/lib/aws/client';
import { readIotConfig } from '@/lib/aws/config';
import { bulkJobsRepository } from '@/lib/db/bulk-jobs';
import { dashboardDatabase } from '@/lib/db/server';
import { PresenceTracker } from '@/lib/fleet/presence';
import type { DashboardMqttSession } from '@/lib/mqtt/sessions';
import { onboardingAws } from '@/lib/onboarding/aws';
import { bulkJobAudit } from '@/lib/onboarding/bulk/audit';
import { BulkJobs, DEFAULT_LEASE_MS } from '@/lib/onboarding/bulk/jobs';
import type { ThingIndexState } from '@/lib/things/thing-index';

/**
 * The dashboard server's process-wide services, created here and nowhere else, each on first use (bulk jobs
 * at start-up too: instrumentation.ts). Each lives on globalThis under a Symbol.for key because Next.js
 * loads a module more than once in one process (every route bundle has its own module instances, and dev
 * mode reloads them): two bulk job services would claim the same jobs twice over, two presence trackers would
 * open two MQTT connections, and a second session registry would lose the open tabs' sessions.
 */

function processWide<T>(name: string, create: () => T): () => T {
  const key = Symbol.for(`iot-dashboard.${name}`);
  const holder = globalThis as Record<symbol, T | undefined>;
  return () => (holder[key] ??= create());
}

/** A service that starts asynchronously; a start that failed is tried again on the next use. */
function processWideAsync<T>(name: string, create: () => Promise<T>): () => Promise<T> {
  const key = Symbol.for(`iot-dashboard.${name}`);
  const holder = globalThis as Record<symbol, Promise<T> | undefined>;
  return () =>
    (holder[key] ??= create().catch((err: unknown) => {
      delete holder[key];
      throw err;
    }));
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

/** What must run when the server starts (Next's instrumentation register()): unfinished bulk jobs resume. */
export async function startServices(): Promise<void> {
  await bulkJobs();
}
