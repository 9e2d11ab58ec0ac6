import { routeGuard } from '@/lib/auth/guard';
import { sseResponse } from '@/lib/http/sse';
import { DashboardMqttSession, registerSession, unregisterSession, type SessionEvent } from '@/lib/mqtt/sessions';

/**
 * GET /api/mqtt/stream: opens this tab's MQTT session and streams it as Server-Sent Events
 * (`session`, `state`, `batch`, `subscriptions`). When the tab goes away the request is aborted and the
 * session unsubscribes and disconnects.
 */
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(request: Request): Promise<Response> {
  const guard = await routeGuard(request, 'viewer');
  if (!guard.ok) return guard.response;

  return sseResponse<SessionEvent>(request, (channel) => {
    const session = new DashboardMqttSession(channel.send);
    registerSession(session);
    channel.onClose(() => {
      unregisterSession(session.id);
      void session.close();
    });
    session.open().catch((err: unknown) => {
      channel.send({
        type: 'state',
        state: 'offline',
        detail: err instanceof Error ? err.message : 'Could not connect',
      });
    });
  });
}
