/**
 * Next.js calls register() once when the server starts, before the first request. Start-up work belongs
 * here: requests get the client's address and a request id, the database is migrated and the first admin
 * made, bulk jobs a previous process left running resume now, not on the first visit to /bulk, and SIGTERM
 * shuts all of it down in order.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startServices } = await import('./lib/server/services');
  // SIGTERM: stop taking requests, checkpoint bulk jobs, close the database, exit 0 (lib/server/shutdown.ts).
  const { installGracefulShutdown } = await import('./lib/server/shutdown');
  installGracefulShutdown();
  try {
    await startServices();
  } catch (err) {
    // A misconfiguration (IOT_MODE, the data directory, DATABASE_URL) must not stop the server: the pages say so.
    const { logger } = await import('./lib/log/logger');
    logger().error(`Start-up services did not all start: ${err instanceof Error ? err.message : String(err)}`);
  }
}
