import { sql } from 'kysely';

import { isAppError } from '@/lib/aws/errors';
import type { Database } from '@/lib/db/database';
import { logger } from '@/lib/log/logger';

/**
 * What /api/health answers (load balancers, container orchestrators, uptime checks): whether this process can
 * serve, checked for real each time: the process (not shutting down), the database (one `select 1`) and AWS
 * IoT (one DescribeEndpoint with the dashboard's credentials), each bounded by a short timeout so a hung
 * dependency answers "failing" rather than hanging the balancer's probe. 200 when every check is ok, else 503.
 *
 * The route needs no session, so the body says only ok / not ok and a reason code per check (`timeout`, or
 * the app's error code such as `unauthorized` or `unavailable`); the details (endpoint, error text) go to the
 * log, with the request id.
 */
export interface CheckResult {
  ok: boolean;
  /** How long the check took. */
  ms: number;
  /** Why it failed: `timeout`, `stopping`, an AppError code (`unauthorized`, `unavailable` ...) or `error`. */
  error?: string;
}

export interface HealthBody {
  status: 'ok' | 'failing' | 'stopping';
  checks: { process: CheckResult; database: CheckResult; aws: CheckResult };
}

export interface HealthReport {
  httpStatus: 200 | 503;
  body: HealthBody;
}

export interface HealthChecks {
  database: () => Promise<Database>;
  /** One cheap AWS read that gives up when `signal` aborts. */
  aws: (signal: AbortSignal) => Promise<void>;
  /** Per check. Default 3 s: well inside a balancer's usual 5 s probe timeout. */
  timeoutMs?: number;
  /** The server is shutting down (lib/server/shutdown.ts): answer 503 at once, touch nothing. */
  stopping?: boolean;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 3000;

async function timed(name: string, run: (signal: AbortSignal) => Promise<unknown>, timeoutMs: number) {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    const outcome = await Promise.race([run(controller.signal).then(() => 'ok' as const), timeout]);
    if (outcome === 'ok') return { ok: true, ms: ms() };
    logger().warn({ check: name, timeoutMs }, `health: ${name} did not answer within ${timeoutMs} ms`);
    return { ok: false, ms: ms(), error: 'timeout' };
  } catch (err) {
    const error = controller.signal.aborted ? 'timeout' : isAppError(err) ? err.code : 'error';
    logger().warn(
      { check: name, error, detail: err instanceof Error ? err.message : String(err) },
      `health: ${name} failed`,
    );
    return { ok: false, ms: ms(), error };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth(checks: HealthChecks): Promise<HealthReport> {
  if (checks.stopping) {
    const stopping = { ok: false, ms: 0, error: 'stopping' };
    return {
      httpStatus: 503,
      body: { status: 'stopping', checks: { process: stopping, database: stopping, aws: stopping } },
    };
  }
  const timeoutMs = checks.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  const [database, aws] = await Promise.all([
    timed('database', async () => sql`select 1`.execute((await checks.database()).db), timeoutMs),
    timed('aws', (signal) => checks.aws(signal), timeoutMs),
  ]);
  const ok = database.ok && aws.ok;
  return {
    httpStatus: ok ? 200 : 503,
    body: { status: ok ? 'ok' : 'failing', checks: { process: { ok: true, ms: 0 }, database, aws } },
  };
}
