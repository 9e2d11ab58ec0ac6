import { createIotClient } from '@/lib/aws/client';
import { readIotConfig } from '@/lib/aws/config';
import { probeAws } from '@/lib/aws/endpoint';
import { checkHealth } from '@/lib/server/health';
import { dashboardDatabase } from '@/lib/server/services';
import { isStopping } from '@/lib/server/shutdown';

/**
 * GET /api/health: for load balancers and orchestrators, so it needs no session (listed as public, with the
 * reason, in e2e/support/app-routes.ts). It answers only ok / not ok per check and a reason code
 * (lib/server/health.ts): 200 when the process, the database and AWS IoT all answer, 503 otherwise or while
 * shutting down.
 */
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** One attempt per probe (the SDK's retries would outlast the timeout), one client per configuration. */
let probeClient: { key: string; client: ReturnType<typeof createIotClient> } | undefined;

function awsProbe(signal: AbortSignal): Promise<void> {
  const config = readIotConfig();
  const key = JSON.stringify(config);
  if (probeClient?.key !== key) {
    probeClient?.client.destroy();
    probeClient = { key, client: createIotClient(config, { maxAttempts: 1 }) };
  }
  return probeAws({ client: probeClient.client, signal });
}

export async function GET(): Promise<Response> {
  const report = await checkHealth({ database: dashboardDatabase, aws: awsProbe, stopping: isStopping() });
  return Response.json(report.body, { status: report.httpStatus, headers: { 'cache-control': 'no-store' } });
}
