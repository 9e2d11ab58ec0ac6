import type { BrowserContext, Page } from '@playwright/test';

import { signIn } from '../../scripts/dashboard-stack';
import { E2E_ENV, E2E_USERS, type E2eRole, requireEnv } from '../stack';

/**
 * Real sessions of real users (global setup made one per role), signed in through better-auth's endpoint.
 * One session per role is kept for the whole worker (signing in costs a scrypt hash); a spec that ends a
 * session takes a fresh one of its own with `freshSession`.
 */
export interface SessionCookie {
  name: string;
  value: string;
}

const cached = new Map<E2eRole, Promise<SessionCookie>>();

export function freshSession(role: E2eRole, baseUrl = requireEnv(E2E_ENV.baseUrl)): Promise<SessionCookie> {
  const user = E2E_USERS[role];
  return signIn(baseUrl, user.username, requireEnv(user.passwordEnv));
}

export function sessionOf(role: E2eRole): Promise<SessionCookie> {
  let session = cached.get(role);
  if (!session) {
    session = freshSession(role);
    session.catch(() => cached.delete(role));
    cached.set(role, session);
  }
  return session;
}

export async function addSession(
  context: BrowserContext,
  cookie: SessionCookie,
  baseUrl = requireEnv(E2E_ENV.baseUrl),
) {
  await context.addCookies([{ ...cookie, url: baseUrl, httpOnly: true, sameSite: 'Lax' }]);
}

/** The cookie header a request made outside the browser needs for this session. */
export const cookieHeader = (cookie: SessionCookie) => `${cookie.name}=${cookie.value}`;

/** Fills the sign-in form (the page must be on /signin). */
export async function signInWithForm(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('User name or e-mail').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}
