import 'server-only';

import type { Role } from './roles';
import { getSession, requireSession } from './session';

/**
 * STAND-IN until the i10-auth branch lands its guard (same exports, same signatures; theirs replaces this
 * file): on the old single-user session, where whoever is signed in is the admin.
 */
export type { Role };

export interface Operator {
  userId: string;
  name: string;
  role: Role;
  sessionId: string;
}

const operatorOf = (user: string): Operator => ({ userId: user, name: user, role: 'admin', sessionId: 'legacy' });

/** For pages and server actions: the signed-in operator whose role allows `role` (else sign-in). */
export async function requireRole(_role: Role): Promise<Operator> {
  return operatorOf((await requireSession()).user);
}

/** For route handlers: the operator, or the 401 to answer. */
export async function routeGuard(
  _request: Request,
  _role: Role,
): Promise<{ ok: true; operator: Operator } | { ok: false; response: Response }> {
  const session = await getSession();
  if (!session) return { ok: false, response: Response.json({ error: 'Sign in first.' }, { status: 401 }) };
  return { ok: true, operator: operatorOf(session.user) };
}
