import { routeGuard } from '@/lib/auth/guard';
import type { LiveEvent } from '@/lib/connection-check/live';
import { runLiveCheck } from '@/lib/connection-check/live-run';
import { errorResponse } from '@/lib/http/errors';
import { sseResponse } from '@/lib/http/sse';
import { thingName } from '@/lib/validation/iot-names';

/**
 * GET /api/things/<name>/check: the live half of the connection check as Server-Sent Events (`step`, `done`).
 * The watching itself is lib/connection-check/live-run.ts; the stream ends when it is done or the tab goes.
 */
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(request: Request, context: { params: Promise<{ name: string }> }): Promise<Response> {
  const guard = await routeGuard(request, 'viewer');
  if (!guard.ok) return guard.response;
  const { name } = await context.params;
  const parsed = thingName.safeParse(name);
  if (!parsed.success) return errorResponse(400, 'Not a thing name.');

  return sseResponse<LiveEvent>(request, (channel) => {
    const stop = runLiveCheck(parsed.data, { send: channel.send, end: channel.close });
    channel.onClose(stop);
  });
}
