import 'server-only';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';

import { dashboardCredentials, sessionSecret } from './credentials';
import { SignInLimiter } from './rate-limit';
import { passwordMatches, SESSION_TTL_SECONDS, signSession, verifySession, type SessionPayload } from './token';

/**
 * The operator's session, checked by every page, server action and route handler itself (a layout's
 * check does not protect the actions and routes beneath it).
 */
export const SESSION_COOKIE = 'iot_dashboard_session';

const limiter = new SignInLimiter();

export interface Session {
  user: string;
  expiresAt: Date;
}

function toSession(p: SessionPayload): Session {
  return { user: p.u, expiresAt: new Date(p.exp * 1000) };
}

/** The current session, or null. */
export async function getSession(): Promise<Session | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const payload = verifySession(token, sessionSecret());
  // A password change (another DASHBOARD_USER) ends sessions of the old user.
  if (!payload || payload.u !== dashboardCredentials().user) return null;
  return toSession(payload);
}

/** For pages and server actions: the session, or a redirect to sign-in that comes back here. */
export async function requireSession(returnTo?: string): Promise<Session> {
  const session = await getSession();
  if (!session) redirect(returnTo ? `/signin?next=${encodeURIComponent(returnTo)}` : '/signin');
  return session;
}

/** For route handlers: null when signed in, else the 401 to return. */
export async function unauthorizedResponse(): Promise<Response | null> {
  if (await getSession()) return null;
  return Response.json({ error: 'Sign in first.' }, { status: 401 });
}

export type SignInResult = { ok: true } | { ok: false; reason: 'invalid' | 'rate_limited'; retryAfterSeconds?: number };

/**
 * Checks the credentials and sets the session cookie on success. Failures are limited per user name:
 * keyed on the account under attack, not on a client address a proxy header could fake.
 */
export async function signIn(user: string, password: string): Promise<SignInResult> {
  const key = user.trim().toLowerCase();
  const wait = limiter.retryAfter(key);
  if (wait > 0) return { ok: false, reason: 'rate_limited', retryAfterSeconds: Math.ceil(wait / 1000) };
  const expected = dashboardCredentials();
  const secret = sessionSecret();
  const userOk = passwordMatches(user, expected.user, secret);
  const passwordOk = passwordMatches(password, expected.password, secret);
  if (!userOk || !passwordOk) {
    limiter.fail(key);
    return { ok: false, reason: 'invalid' };
  }
  limiter.succeed(key);
  const exp = Math.floor(Date.now() / 1000) + SESSION_TTL_SECONDS;
  (await cookies()).set(SESSION_COOKIE, signSession({ u: expected.user, exp }, secret), {
    httpOnly: true,
    sameSite: 'lax',
    secure: process.env.DASHBOARD_SECURE_COOKIES === 'true',
    path: '/',
    maxAge: SESSION_TTL_SECONDS,
  });
  return { ok: true };
}

export async function signOut(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
}
