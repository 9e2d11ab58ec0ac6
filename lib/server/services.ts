import 'server-only';

import { createIotClient } from '@/lib/aws/client';
import { readIotConfig } from '@/lib/aws/config';
import { PresenceTracker } from '@/lib/fleet/presence';
import type { DashboardMqttSession } from '@/lib/mqtt/sessions';
import { onboardingAws } from '@/lib/onboarding/aws';
import { JobRunner } from '@/lib/onboarding/bulk/runner';
import { JournalJobStore } from '@/lib/onboarding/bulk/store';
import type { ThingIndexState } from '@/lib/things/thing-index';

/**
 * The dashboard server's process-wide services, created here and nowhere else, each on first use (bulk jobs
 * at start-up too: instrumentation.ts). Each lives on globalThis under a Symbol.for key because Next.js
 * loads a module more than once in one process (every route bundle has its own module instances, and dev
 * mode reloads them): two job stores on one journal would corrupt it, two presence trackers would open two
 * MQTT connections, and a second session registry would lose the open tabs' sessions.
 */

function processWide<T>(name: string, create: () => T): () => T {
  const key = Symbol.for(`iot-dashboard.${name}`);
  const holder = globalThis as Record<symbol, T | undefined>;
  return () => (holder[key] ??= create());
}

/**
 * The bulk job runner and its store (under `<DASHBOARD_DATA_DIR or .data/dashboard>/jobs`). Its AWS client has
 * the SDK's retries off: the runner rate-limits and retries every call itself. Creating it resumes every job a
 * previous process left running.
 */
export const bulkJobRunner = processWide('job-runner', () => {
  const runner = new JobRunner({
    store: new JournalJobStore(JournalJobStore.dirFor()),
    aws: onboardingAws(createIotClient(readIotConfig(), { maxAttempts: 1 })),
  });
  runner.resumeAll();
  return runner;
});

/** The thing index's cache (lib/things/thing-index.ts). */
export const thingIndexState = processWide<ThingIndexState>('thing-index', () => ({ generation: 0 }));

/** One dashboard MQTT session per open tab (lib/mqtt/sessions.ts), by session id. */
export const mqttSessionRegistry = processWide('mqtt-sessions', () => new Map<string, DashboardMqttSession>());

/** The fleet presence tracker: one MQTT connection for the whole server, started on first use. */
export const presenceTrackerService = processWide('presence-tracker', () => new PresenceTracker());

/** What must run when the server starts (Next's instrumentation register()): unfinished bulk jobs resume. */
export function startServices(): void {
  bulkJobRunner();
}
