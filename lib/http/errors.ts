import type { z } from 'zod';

import { type AppErrorCode, type ErrorContext, toAppError } from '@/lib/aws/errors';

/**
 * How every route handler under app/api answers a failure: one status per app error code, and one body
 * shape, `{ "error": "<a sentence for a person>" }` (the browser code shows `error` as it is; the 401 of
 * lib/auth/session.ts unauthorizedResponse has the same shape). Never a bare 500: trouble on AWS's side is
 * an upstream problem (502/503), and bad input is the client's (400).
 */

/** The body of every error answer. */
export interface ErrorBody {
  error: string;
}

export const HTTP_STATUS_BY_CODE: Readonly<Record<AppErrorCode, number>> = {
  not_found: 404,
  already_exists: 409,
  invalid_request: 400,
  conflict: 409,
  certificate_state: 409,
  limit_exceeded: 409,
  // The caller may try again later: the same meaning as AWS's own 429.
  throttled: 429,
  // AWS refused the dashboard's credentials: the dashboard's problem upstream, not the browser's sign-in.
  unauthorized: 502,
  unavailable: 503,
  misconfigured: 503,
  internal: 502,
};

/** An error answer: `{ error: message }` with `status`, never cached. */
export function errorResponse(status: number, message: string): Response {
  return Response.json({ error: message } satisfies ErrorBody, { status, headers: { 'cache-control': 'no-store' } });
}

/** Anything an AWS call threw, as its app error's status and message. */
export function appErrorResponse(err: unknown, ctx?: ErrorContext): Response {
  const e = toAppError(err, ctx);
  return errorResponse(HTTP_STATUS_BY_CODE[e.code], e.message);
}

/** The zod issues of a refused request as one line: `path: message; path: message`. */
export function describeIssues(error: z.ZodError, what = 'body'): string {
  return error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ');
}

/** The most a JSON body sent to a route handler may hold: an MQTT publish of 128 KB in base64, with room. */
export const MAX_JSON_BODY_BYTES = 256 * 1024;

/**
 * The request body as text, read as a stream and abandoned past `maxBytes` (a declared Content-Length above it
 * is refused before reading): a 100 MB body costs nothing but the refusal.
 */
export async function readBodyText(
  request: Request,
  maxBytes: number,
): Promise<{ ok: true; text: string } | { ok: false; response: Response }> {
  const tooLarge = () => ({
    ok: false as const,
    response: errorResponse(413, `The request body is larger than ${Math.round(maxBytes / 1024)} KB.`),
  });
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
  if (!request.body) return { ok: true, text: '' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return tooLarge();
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

/**
 * A JSON request body checked with `schema`: the parsed value, or the answer to send (413 when too large, 400
 * when not JSON or not the expected shape, with each issue named).
 */
export async function readJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  maxBytes = MAX_JSON_BODY_BYTES,
): Promise<{ ok: true; value: z.infer<S> } | { ok: false; response: Response }> {
  const read = await readBodyText(request, maxBytes);
  if (!read.ok) return read;
  let body: unknown;
  try {
    body = JSON.parse(read.text);
  } catch {
    return { ok: false, response: errorResponse(400, 'The request body is not JSON.') };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, response: errorResponse(400, describeIssues(parsed.error)) };
  return { ok: true, value: parsed.data };
}
