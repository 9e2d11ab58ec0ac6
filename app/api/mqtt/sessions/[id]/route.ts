import { z } from 'zod';

import { unauthorizedResponse } from '@/lib/auth/session';
import { findSession, SessionGoneError } from '@/lib/mqtt/sessions';
import { MAX_PAYLOAD_BYTES, topicFilterProblem, topicNameProblem } from '@/lib/mqtt/topics';

/**
 * POST /api/mqtt/sessions/:id — what a tab asks of its MQTT session: subscribe, unsubscribe, publish.
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
});

const command = z.discriminatedUnion('op', [
  z.object({ op: z.literal('subscribe'), filter, qos: qos.default(0) }),
  z.object({ op: z.literal('unsubscribe'), filter }),
  z.object({
    op: z.literal('publish'),
    topic,
    payload: z.string(),
    encoding: z.enum(['utf8', 'base64']).default('utf8'),
    qos: qos.default(0),
    retain: z.boolean().default(false),
  }),
]);

export async function POST(request: Request, props: { params: Promise<{ id: string }> }): Promise<Response> {
  const denied = await unauthorizedResponse();
  if (denied) return denied;
  const { id } = await props.params;
  const session = findSession(id);
  if (!session)
    return Response.json({ error: 'No such MQTT session; reload the page to start a new one.' }, { status: 404 });

  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ error: 'The request body is not JSON.' }, { status: 400 });
  }
  const parsed = command.safeParse(body);
  if (!parsed.success) {
    return Response.json(
      { error: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') },
      { status: 400 },
    );
  }
  const cmd = parsed.data;
  try {
    if (cmd.op === 'subscribe') {
      const { granted } = await session.subscribe(cmd.filter, cmd.qos);
      return granted
        ? Response.json({ ok: true })
        : Response.json({ error: `The broker refused the subscription to ${cmd.filter}.` }, { status: 403 });
    }
    if (cmd.op === 'unsubscribe') {
      await session.unsubscribe(cmd.filter);
      return Response.json({ ok: true });
    }
    const bytes = cmd.encoding === 'base64' ? Buffer.from(cmd.payload, 'base64') : Buffer.from(cmd.payload, 'utf8');
    if (bytes.length > MAX_PAYLOAD_BYTES) {
      return Response.json(
        { error: `The payload is ${bytes.length} bytes; AWS IoT accepts at most ${MAX_PAYLOAD_BYTES}.` },
        { status: 413 },
      );
    }
    await session.publish(cmd.topic, bytes, cmd.qos, cmd.retain);
    return Response.json({ ok: true });
  } catch (err) {
    if (err instanceof SessionGoneError) return Response.json({ error: err.message }, { status: 410 });
    return Response.json(
      { error: `The MQTT session could not do that: ${err instanceof Error ? err.message : 'unknown error'}` },
      { status: 502 },
    );
  }
}
