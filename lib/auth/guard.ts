import 'server-only';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';

import { recordAudit } from '@/lib/audit/record';
import { errorResponse } from '@/lib/http/errors';
import { PATH_HEADER } from '@/lib/http/request-path';
import { authForRequest } from '@/lib/server/services';

import { displayName } from './auth-audit';
import { isRole, type Role, roleAllows } from './roles';

/**
 * The one guard every page, server action and route handler passes through, first thing: who is signed in
 * (the session row in the database, read on every request, so an ended session or a changed role counts at
 * once), and whether their role allows what the caller needs.
 *
 *   pages            const operator = await requireRole('viewer');
 *   server actions   export const deleteThing = roleAction('admin', async (operator, prev, formData) => ...)
 *                    (lib/auth/action.ts; or requireRole(role) as the first statement)
 *   route handlers   const guard = await routeGuard(request, 'operator'); if (!guard.ok) return guard.response;
 *
 * No session: pages and actions go to sign-in and come back (`/signin?next=<path>`); routes answer 401. Too
 * small a role: a page shows the "not allowed" page, an action refuses in its own answer, a route answers 403;
 * the refusals of actions and routes are audit events (`access.denied`).
 */
export type { Role };

export interface Operator {
  userId: string;
  /** The user name (or e-mail for an SSO user), as the console and the audit trail show it. */
  name: string;
  role: Role;
  sessionId: string;
}

/** A signed-in operator asked for something their role does not allow. Actions turn it into their refusal. */
export class RoleDeniedError extends Error {
  constructor(
    readonly role: Role,
    readonly needed: Role,
  ) {
    super(roleRefusal(role, needed));
    this.name = 'RoleDeniedError';
  }
}

export const roleRefusal = (role: Role, needed: Role) => `Your role (${role}) cannot do this: it needs ${needed}.`;

/** The operator whose session cookie these request headers carry, or null (none, ended, expired, disabled). */
export async function operatorFromHeaders(source: Headers): Promise<Operator | null> {
  const auth = await authForRequest(source);
  const found = await auth.api.getSession({ headers: source });
  if (!found) return null;
  const user = found.user as { id: string; email: string; username?: string | null; role?: string; banned?: boolean };
  if (user.banned || !isRole(user.role)) return null;
  return { userId: user.id, name: displayName(user), role: user.role, sessionId: found.session.id };
}

/** This request's operator, or null; read once per render (the layout and the page share it). */
export const currentOperator = cache(async (): Promise<Operator | null> => operatorFromHeaders(await headers()));

const currentPath = (h: Headers) => h.get(PATH_HEADER) || '/';

function signInPath(h: Headers): string {
  const path = currentPath(h);
  return path === '/' ? '/signin' : `/signin?next=${encodeURIComponent(path)}`;
}

async function recordDenial(operator: Operator, needed: Role, source: Headers, details: Record<string, unknown>) {
  await recordAudit(
    operator,
    { action: 'access.denied', outcome: 'denied', details: { needed, role: operator.role, ...details } },
    source,
  );
}

/**
 * For server actions (lib/auth/action.ts): the operator when their role allows `role`; no session redirects
 * to sign-in; too small a role is recorded and thrown as RoleDeniedError.
 */
export async function actionOperator(role: Role): Promise<Operator> {
  const h = await headers();
  const operator = await currentOperator();
  if (!operator) redirect(signInPath(h));
  if (!roleAllows(operator.role, role)) {
    await recordDenial(operator, role, h, { path: currentPath(h), actionId: h.get('next-action') ?? undefined });
    throw new RoleDeniedError(operator.role, role);
  }
  return operator;
}

/**
 * For pages and server actions: the signed-in operator whose role allows `role`. No session: to sign-in, and
 * back here afterwards. Too small a role: in a server action a RoleDeniedError (the action helpers of
 * lib/auth/action.ts answer it as the action's refusal), on a page the "not allowed" page.
 */
export async function requireRole(role: Role): Promise<Operator> {
  const h = await headers();
  if (h.get('next-action')) return actionOperator(role);
  const operator = await currentOperator();
  if (!operator) redirect(signInPath(h));
  if (!roleAllows(operator.role, role)) {
    redirect(`/not-allowed?${new URLSearchParams({ need: role, from: currentPath(h) })}`);
  }
  return operator;
}

export type RouteGuardResult = { ok: true; operator: Operator } | { ok: false; response: Response };

/** For route handlers: the operator, or the answer to send (401 without a session, 403 for too small a role). */
export async function routeGuard(request: Request, role: Role): Promise<RouteGuardResult> {
  const operator = await operatorFromHeaders(request.headers);
  if (!operator) return { ok: false, response: errorResponse(401, 'Sign in first.') };
  if (!roleAllows(operator.role, role)) {
    const url = new URL(request.url);
    await recordDenial(operator, role, request.headers, { method: request.method, path: url.pathname });
    return { ok: false, response: errorResponse(403, roleRefusal(operator.role, role)) };
  }
  return { ok: true, operator };
}

/** What a page needs to show or disable its controls: whether this operator may do what needs `role`. */
export const may = (operator: Pick<Operator, 'role'> | null | undefined, role: Role) =>
  !!operator && roleAllows(operator.role, role);
