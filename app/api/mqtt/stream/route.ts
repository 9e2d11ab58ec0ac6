import { unauthorizedResponse } from '@/lib/auth/session';
import { DashboardMqttSession, registerSession, unregisterSession, type SessionEvent } from '@/lib/mqtt/sessions';

/**
 * GET /api/mqtt/stream: opens this tab's MQTT session and streams it as Server-Sent Events
 * (`session`, `state`, `batch`, `subscriptions`). When the tab goes away the request is aborted and the
 * session unsubscribes and disconnects.
 */
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const HEARTBEAT_MS = 15_000;

export async function GET(request: Request): Promise<Response> {
  const denied = await unauthorizedResponse();
  if (denied) return denied;

  const encoder = new TextEncoder();
  let session: DashboardMqttSession | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  const stop = () => {
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = undefined;
    if (session) {
      unregisterSession(session.id);
      void session.close();
    }
  };

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: SessionEvent) => {
        try {
          controller.enqueue(encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`));
        } catch {
          stop(); // the stream is already closed
        }
      };
      session = new DashboardMqttSession(send);
      registerSession(session);
      heartbeat = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(': keep-alive\n\n'));
        } catch {
          stop();
        }
      }, HEARTBEAT_MS);
      request.signal.addEventListener('abort', () => {
        stop();
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
      session.open().catch((err: unknown) => {
        send({ type: 'state', state: 'offline', detail: err instanceof Error ? err.message : 'Could not connect' });
      });
    },
    cancel() {
      stop();
    },
  });

  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
}
