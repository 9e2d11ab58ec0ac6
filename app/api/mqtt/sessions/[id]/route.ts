import { z } from 'zod';

import { routeGuard } from '@/lib/auth/guard';
import { errorResponse, readJsonBody } from '@/lib/http/errors';
import { findSession, SessionGoneError } from '@/lib/mqtt/sessions';
import { isPublishableReservedTopic, MAX_PAYLOAD_BYTES, topicFilterProblem, topicNameProblem } from '@/lib/mqtt/topics';

/**
 * POST /api/mqtt/sessions/:id — what a tab asks of its MQTT session: subscribe, unsubscribe (viewers and up),
 * publish (operators and up).
 * Topics and filters are checked with AWS's rules before anything is sent, so a mistake gets a clear
 * 400 instead of a dropped connection.
 */
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const qos = z.union([z.literal(0), z.literal(1)]);
const filter = z.string().superRefine((f, ctx) => {
  const problem = topicFilterProblem(f);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const topic = z.string().superRefine((t, ctx) => {
  const problem = topicNameProblem(t);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
  // The broker drops a client that publishes to a reserved topic it may not use: refuse it here instead.
  else if (!isPublishableReservedTopic(t)) {
    ctx.addIssue({ code: 'custom', message: `${t} is a reserved AWS IoT topic that clients cannot publish to.` });
  }
});

/** Standard base64 (RFC 4648 with padding), as the page sends it; anything else would publish garbage. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const command = z.discriminatedUnion('op', [
  z.object({ op: z.literal('subscribe'), filter, qos: qos.default(0) }),
  z.object({ op: z.literal('unsubscribe'), filter }),
  z
    .object({
      op: z.literal('publish'),
      topic,
      payload: z.string(),
      encoding: z.enum(['utf8', 'base64']).default('utf8'),
      qos: qos.default(0),
      retain: z.boolean().default(false),
    })
    .refine((p) => p.encoding !== 'base64' || BASE64.test(p.payload), {
      message: 'The payload is not valid base64 (A-Z, a-z, 0-9, + and /, padded with = to a multiple of 4).',
      path: ['payload'],
    }),
]);

export async function POST(request: Request, props: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await routeGuard(request, 'viewer');
  if (!guard.ok) return guard.response;
  const body = await readJsonBody(request, command);
  if (!body.ok) return body.response;
  const cmd = body.value;
  if (cmd.op === 'publish') {
    const mayPublish = await routeGuard(request, 'operator');
    if (!mayPublish.ok) return mayPublish.response;
  }
  const { id } = await props.params;
  const session = findSession(id);
  if (!session) return errorResponse(404, 'No such MQTT session; reload the page to start a new one.');
  try {
    if (cmd.op === 'subscribe') {
      const { granted } = await session.subscribe(cmd.filter, cmd.qos);
      return granted
        ? Response.json({ ok: true })
        : errorResponse(403, `The broker refused the subscription to ${cmd.filter}.`);
    }
    if (cmd.op === 'unsubscribe') {
      await session.unsubscribe(cmd.filter);
      return Response.json({ ok: true });
    }
    const bytes = cmd.encoding === 'base64' ? Buffer.from(cmd.payload, 'base64') : Buffer.from(cmd.payload, 'utf8');
    if (bytes.length > MAX_PAYLOAD_BYTES) {
      return errorResponse(413, `The payload is ${bytes.length} bytes; AWS IoT accepts at most ${MAX_PAYLOAD_BYTES}.`);
    }
    await session.publish(cmd.topic, bytes, cmd.qos, cmd.retain);
    return Response.json({ ok: true });
  } catch (err) {
    if (err instanceof SessionGoneError) return errorResponse(410, err.message);
    return errorResponse(
      502,
      `The MQTT session could not do that: ${err instanceof Error ? err.message : 'unknown error'}`,
    );
  }
}
