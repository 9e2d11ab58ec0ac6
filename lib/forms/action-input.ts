/**
 * What a server action answers when the request itself is wrong, before any of its own checks run: arguments of a
 * shape it does not take (a forged call; every action is a public POST endpoint), or a body over the size Next
 * reads. Shared by lib/auth/action.ts, proxy.ts and the specs that prove each refusal.
 */
export const ARGUMENTS_REFUSED = 'This action was called with arguments it does not take; nothing was done.';

/**
 * Next's limit on a server action's body (its default, 1 MB): Next answers a larger one with a 500, so proxy.ts
 * refuses it first, by its Content-Length, with 413 and ACTION_BODY_REFUSED.
 */
export const ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

export const ACTION_BODY_REFUSED = 'The request is larger than the 1 MB a form may send; nothing was done.';

/**
 * A form action's arguments as React sends them from useActionState: the previous state (which no action reads),
 * then the form.
 */
export function isFormActionCall(args: readonly unknown[]): boolean {
  return args.length === 2 && args[1] instanceof FormData;
}

export const ACTION_LENGTH_REQUIRED = 'A form must state its length (Content-Length); nothing was done.';

/**
 * What is wrong with a server action's body before it is read (a POST to a page: route handlers under /api/ bound
 * their own bodies): over the limit by its declared length (413), or streamed without a declared length (411), which
 * Next would read up to the limit and then answer with a 500. Browsers always send Content-Length with a form.
 */
export function actionBodyProblem(
  method: string,
  pathname: string,
  headers: { contentLength: string | null; transferEncoding: string | null },
): { status: 411 | 413; message: string } | undefined {
  if (method.toUpperCase() !== 'POST' || pathname.startsWith('/api/')) return undefined;
  if (headers.contentLength === null) {
    return headers.transferEncoding ? { status: 411, message: ACTION_LENGTH_REQUIRED } : undefined;
  }
  return Number(headers.contentLength) > ACTION_BODY_LIMIT_BYTES
    ? { status: 413, message: ACTION_BODY_REFUSED }
    : undefined;
}
