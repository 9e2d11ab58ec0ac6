import { randomBytes } from 'node:crypto';

import { unauthorizedResponse } from '@/lib/auth/session';
import { reportedCheck, requestCheckEcho } from '@/lib/connection-check/echo';
import { toAppError } from '@/lib/aws/errors';
import {
  LIVE_TIMEOUT_MS,
  timeoutEvent,
  type LiveEvent,
  type LiveStepEvent,
  type LiveStepId,
} from '@/lib/connection-check/live';
import { presenceOf, presenceTracker } from '@/lib/fleet/presence';
import { thingName } from '@/lib/validation/iot-names';

/**
 * GET /api/things/<name>/check: the live half of the connection check as Server-Sent Events (`step`, `done`).
 * Watches the process's presence tracker for client id = thing name, the first message on `<thing>/#` over the
 * tracker's MQTT connection, and a shadow round trip (desired.check = nonce through the data plane, then
 * reported.check polled until the device echoes it). Ends when all three pass, on timeout, or when the tab goes.
 */
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const POLL_MS = 1000;
const RESEND_MS = 10_000;

export async function GET(request: Request, context: { params: Promise<{ name: string }> }): Promise<Response> {
  const denied = await unauthorizedResponse();
  if (denied) return denied;
  const { name } = await context.params;
  const parsed = thingName.safeParse(name);
  if (!parsed.success) return Response.json({ error: 'Not a thing name.' }, { status: 400 });
  const thing = parsed.data;

  const encoder = new TextEncoder();
  const cleanups: (() => void)[] = [];
  let finished = false;

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: LiveEvent) => {
        if (finished) return;
        try {
          controller.enqueue(encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`));
        } catch {
          finish();
        }
      };
      const finish = () => {
        if (finished) return;
        finished = true;
        for (const c of cleanups.splice(0)) c();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      request.signal.addEventListener('abort', finish);

      const passed = new Set<LiveStepId>();
      const pass = (event: Omit<LiveStepEvent, 'type' | 'status'>) => {
        if (passed.has(event.id) || finished) return;
        passed.add(event.id);
        send({ type: 'step', status: 'pass', ...event });
        if (passed.size === 3) {
          send({ type: 'done', reason: 'passed' });
          finish();
        }
      };

      const heartbeat = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(': keep-alive\n\n'));
        } catch {
          finish();
        }
      }, 15_000);
      cleanups.push(() => clearInterval(heartbeat));
      const timeout = setTimeout(() => {
        for (const id of ['connected', 'message', 'shadow'] as const)
          if (!passed.has(id)) send(timeoutEvent(id, thing));
        send({ type: 'done', reason: 'timeout' });
        finish();
      }, LIVE_TIMEOUT_MS);
      cleanups.push(() => clearTimeout(timeout));

      // The shadow round trip starts once the device is connected: a delta sent earlier would have nobody to hear it.
      const nonce = `check-${randomBytes(6).toString('hex')}`;
      let shadowStarted = false;
      const startShadow = () => {
        if (shadowStarted || finished) return;
        shadowStarted = true;
        const sentAt = Date.now();
        let lastSend = 0;
        let lastProblem: string | undefined;
        const tick = async () => {
          if (finished || passed.has('shadow')) return;
          try {
            if (Date.now() - lastSend >= RESEND_MS) {
              lastSend = Date.now();
              await requestCheckEcho(thing, nonce);
            }
            if ((await reportedCheck(thing)) === nonce) {
              pass({
                id: 'shadow',
                detail: `The device reported check = ${nonce} back ${((Date.now() - sentAt) / 1000).toFixed(1)} s after it was asked.`,
                at: Date.now(),
              });
              return;
            }
          } catch (err) {
            const message = toAppError(err).message;
            if (message !== lastProblem) {
              lastProblem = message;
              send({
                type: 'step',
                id: 'shadow',
                status: 'waiting',
                detail: `Could not use the shadow yet: ${message} Trying again.`,
              });
            }
          }
          if (!finished) {
            const t = setTimeout(() => void tick(), POLL_MS);
            cleanups.push(() => clearTimeout(t));
          }
        };
        send({
          type: 'step',
          id: 'shadow',
          status: 'waiting',
          detail: `Asked the device to report check = ${nonce} (desired state); waiting for it to come back as reported.`,
        });
        void tick();
      };

      try {
        const tracker = await presenceTracker();
        if (finished) return;
        cleanups.push(
          tracker.onPresence((event) => {
            if (event.clientId !== thing) return;
            if (event.eventType === 'connected') {
              pass({
                id: 'connected',
                detail: `Connected at ${new Date(event.timestamp).toISOString()} (presence event${event.ipAddress ? ` from ${event.ipAddress}` : ''}).`,
                at: event.timestamp,
              });
              startShadow();
            } else if (!passed.has('connected')) {
              send({
                type: 'step',
                id: 'connected',
                status: 'waiting',
                detail: `The device connected and went away again (${event.disconnectReason ?? 'disconnected'}). Still waiting.`,
              });
            }
          }),
        );
        const unwatch = await tracker.watch(`${thing}/#`, (topic, payload) => {
          const preview = payload.toString('utf8').slice(0, 160);
          pass({ id: 'message', detail: `First message on ${topic}: ${preview}`, at: Date.now() });
        });
        cleanups.push(unwatch);
        if (finished) return;
        const now = await presenceOf([thing]);
        if (!now.tracking) {
          send({
            type: 'done',
            reason: 'error',
            message: `${now.problem ?? 'Presence is not being tracked.'} The live steps cannot be observed.`,
          });
          finish();
          return;
        }
        if (now.presence[thing]?.status === 'connected') {
          const seen = now.presence[thing]?.lastSeen;
          pass({
            id: 'connected',
            detail: seen
              ? `Connected since ${new Date(seen).toISOString()}.`
              : 'Already connected when the check started.',
            at: seen,
          });
          startShadow();
        }
      } catch (err) {
        send({ type: 'done', reason: 'error', message: toAppError(err).message });
        finish();
      }
    },
    cancel() {
      finished = true;
      for (const c of cleanups.splice(0)) c();
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
