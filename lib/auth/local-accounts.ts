import { randomBytes } from 'node:crypto';

import { isAPIError } from 'better-auth/api';

import type { UsersRepository } from '../db/users';
import type { Auth } from './better-auth';
import type { Role } from './roles';
import { THROTTLED_CODE } from './sign-in-throttle';

/**
 * Local accounts through better-auth's server API: sign in by user name or e-mail, create a user (an admin's
 * act, or the first admin at start), set a password. The server actions of the sign-in and Users pages call
 * these with the request's headers (`await headers()` from next/headers): better-auth reads the session cookie
 * and the client address from them, and nextCookies() sets the session cookie on the response.
 */

export type SignInFailure = 'invalid' | 'throttled' | 'disabled' | 'unavailable';

export class SignInError extends Error {
  constructor(
    readonly reason: SignInFailure,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

const INVALID = 'The user name or password is wrong.';

/** Signs in with a user name or an e-mail (an @ decides); returns the response headers (Set-Cookie). */
export async function signInWithPassword(
  auth: Auth,
  input: { login: string; password: string; headers: Headers },
): Promise<{ headers: Headers; userId: string }> {
  const login = input.login.trim();
  if (!login || !input.password) throw new SignInError('invalid', INVALID);
  try {
    const result = login.includes('@')
      ? await auth.api.signInEmail({
          body: { email: login, password: input.password, rememberMe: true },
          headers: input.headers,
          returnHeaders: true,
        })
      : await auth.api.signInUsername({
          body: { username: login, password: input.password, rememberMe: true },
          headers: input.headers,
          returnHeaders: true,
        });
    const userId = result.response?.user.id;
    if (!userId) throw new SignInError('invalid', INVALID);
    return { headers: result.headers, userId };
  } catch (err) {
    if (!isAPIError(err)) throw err;
    const body = (err.body ?? {}) as { code?: string; message?: string; retryAfterSeconds?: number };
    if (body.code === THROTTLED_CODE)
      throw new SignInError('throttled', body.message ?? 'Too many failed sign-ins.', body.retryAfterSeconds);
    if (body.code === 'BANNED_USER') throw new SignInError('disabled', body.message ?? 'This account is disabled.');
    if (err.statusCode >= 500) throw new SignInError('unavailable', 'Sign-in is not available right now; try again.');
    throw new SignInError('invalid', INVALID);
  }
}

export interface NewLocalUser {
  name: string;
  username: string;
  email: string;
  password: string;
  role: Role;
}

/**
 * Creates a local account. `headers` are the acting admin's (better-auth checks their role); without them the
 * call is the server's own (the first admin at start).
 */
export async function createLocalUser(auth: Auth, user: NewLocalUser, headers?: Headers): Promise<{ id: string }> {
  const { user: created } = await auth.api.createUser({
    body: {
      name: user.name,
      email: user.email.trim().toLowerCase(),
      password: user.password,
      role: user.role,
      data: { username: user.username.trim().toLowerCase(), displayUsername: user.username.trim() },
    },
    ...(headers ? { headers } : {}),
  });
  return { id: created.id };
}

/** An admin sets a user's password; every session of that user ends (lib/auth/session-rules.ts). */
export async function setUserPassword(auth: Auth, input: { userId: string; password: string; headers: Headers }) {
  await auth.api.setUserPassword({
    body: { userId: input.userId, newPassword: input.password },
    headers: input.headers,
  });
}

export interface FirstAdmin {
  username?: string;
  email?: string;
  /** DASHBOARD_ADMIN_PASSWORD; when absent a random one is made and returned (local mode prints it). */
  password?: string;
}

/**
 * Makes the first admin when there is no user at all; does nothing otherwise. Two instances starting at once
 * may both try: the second finds the e-mail taken and reports `exists`.
 */
export async function ensureFirstAdmin(
  auth: Auth,
  users: UsersRepository,
  input: FirstAdmin = {},
): Promise<{ created: false } | { created: true; username: string; password: string; generated: boolean }> {
  if ((await users.count()) > 0) return { created: false };
  const username = input.username?.trim() || 'admin';
  const password = input.password || randomBytes(18).toString('base64url');
  try {
    await createLocalUser(auth, {
      name: 'Administrator',
      username,
      email: input.email?.trim() || `${username}@dashboard.local`,
      password,
      role: 'admin',
    });
  } catch (err) {
    if ((await users.count()) > 0) return { created: false };
    throw err;
  }
  return { created: true, username, password, generated: !input.password };
}
