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

/**
 * A JSON request body checked with `schema`: the parsed value, or the 400 answer to send (not JSON, or
 * not the expected shape, with each issue named).
 */
export async function readJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
): Promise<{ ok: true; value: z.infer<S> } | { ok: false; response: Response }> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return { ok: false, response: errorResponse(400, 'The request body is not JSON.') };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, response: errorResponse(400, describeIssues(parsed.error)) };
  return { ok: true, value: parsed.data };
}
