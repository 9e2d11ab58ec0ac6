import type http from 'node:http';

import { logger } from '@/lib/log/logger';

import { servingServers } from './request-log';
import { closeDashboardDatabase, stopServices } from './services';

/**
 * Graceful shutdown of the dashboard server on SIGTERM (what Docker, Kubernetes, systemd and ECS send) or
 * SIGINT, in an order that loses nothing:
 *   1. /api/health answers 503 `stopping` and the HTTP server stops accepting connections;
 *   2. meanwhile bulk jobs commit what they recorded and release their leases, the MQTT sessions disconnect,
 *      and the requests in flight finish (up to DRAIN_MS: an open tab's event stream never does; then the
 *      connections left are closed);
 *   3. the database closes (PGlite's lock file goes), and the process exits 0.
 * A shutdown that takes longer than DASHBOARD_SHUTDOWN_SECONDS (default 20) exits 1 anyway.
 *
 * `next start` has its own SIGTERM handler that stops the HTTP server and exits 143 at once, knowing nothing of
 * the services here, so it is switched off with NEXT_MANUAL_SIG_HANDLE=true (Next's documented way to handle
 * the signal yourself; scripts/next-app.ts sets it for every server it starts), and this one installed instead.
 */
const DRAIN_MS = 5000;
const STATE = Symbol.for('iot-dashboard.shutdown');

interface ShutdownState {
  stopping: boolean;
  installed: boolean;
}

function state(): ShutdownState {
  const holder = globalThis as Record<symbol, ShutdownState | undefined>;
  return (holder[STATE] ??= { stopping: false, installed: false });
}

/** Whether the server is shutting down (the health route then answers 503). */
export function isStopping(): boolean {
  return state().stopping;
}

function shutdownBoundMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.DASHBOARD_SHUTDOWN_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 20_000;
}

// Not unref'd: the process must not drift out of the event loop before the database is closed.
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function stopAccepting(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections with no request in flight would hold close() open.
    server.closeIdleConnections();
  });
}

async function shutdown(signal: NodeJS.Signals): Promise<void> {
  const current = state();
  if (current.stopping) return;
  current.stopping = true;
  const started = Date.now();
  const bound = shutdownBoundMs();
  setTimeout(() => {
    logger().error({ signal, boundMs: bound }, 'shutdown did not finish in time: exiting anyway');
    process.exit(1);
  }, bound).unref();
  logger().info({ signal }, 'shutting down: no new connections; bulk jobs checkpoint, requests in flight finish');

  const servers = servingServers();
  const drained = Promise.all(servers.map(stopAccepting));
  const problems = await stopServices();
  await Promise.race([drained, delay(DRAIN_MS)]);
  for (const server of servers) server.closeAllConnections();
  await closeDashboardDatabase().catch((err: unknown) =>
    problems.push(`the database: ${err instanceof Error ? err.message : String(err)}`),
  );

  if (problems.length) logger().warn({ problems }, 'shutdown: some services did not stop cleanly');
  logger().info({ ms: Date.now() - started }, 'shut down');
  process.exit(0);
}

/** Installs the SIGTERM / SIGINT handler once, when Next's own is switched off (see above). */
export function installGracefulShutdown(env: NodeJS.ProcessEnv = process.env): boolean {
  const current = state();
  if (current.installed || env.NEXT_MANUAL_SIG_HANDLE !== 'true') return false;
  current.installed = true;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal));
  return true;
}
