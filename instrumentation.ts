/**
 * Next.js calls register() once when the server starts, before the first request. Start-up work belongs
 * here: bulk jobs a previous process left running resume now, not on the first visit to /bulk.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startServices } = await import('./lib/server/services');
  try {
    await startServices();
  } catch (err) {
    // A misconfiguration (IOT_MODE, the database) must not stop the server: the pages report it, and the
    // service is started again on first use.
    console.error(`Start-up services did not start: ${err instanceof Error ? err.message : String(err)}`);
  }
}
