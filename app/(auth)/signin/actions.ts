'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { SignInError, signInWithPassword } from '@/lib/auth/local-accounts';
import { OIDC_PROVIDER_ID } from '@/lib/auth/oidc';
import { safeReturnPath } from '@/lib/auth/return-path';
import { failed, invalid, type ActionState } from '@/lib/forms/action-state';
import { authForRequest } from '@/lib/server/services';

/**
 * Signing in and out: the only actions that take no session (they make and end it). better-auth checks the
 * password (scrypt), throttles failures per account and address, writes the session row and the audit event;
 * nextCookies() sets the cookie on this action's response.
 */

const signInForm = z.object({
  login: z.string().trim().min(1, 'Enter your user name or e-mail.').max(320, 'At most 320 characters.'),
  password: z.string().min(1, 'Enter the password.').max(1024, 'At most 1,024 characters.'),
  next: z.string().optional(),
});

export async function signInAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const parsed = signInForm.safeParse(Object.fromEntries(formData));
  const login = typeof formData.get('login') === 'string' ? String(formData.get('login')) : '';
  if (!parsed.success) return invalid(parsed.error, { login });
  const h = await headers();
  try {
    await signInWithPassword(await authForRequest(h), {
      login: parsed.data.login,
      password: parsed.data.password,
      headers: h,
    });
  } catch (err) {
    // Each reason has its own sentence: wrong credentials, a wait (throttled), a disabled account.
    if (err instanceof SignInError) return failed(err.message, { login });
    throw err;
  }
  redirect(safeReturnPath(parsed.data.next));
}

/** Starts the OpenID Connect sign-in: to the provider, back through /api/auth/callback/oidc, then to `next`. */
export async function signInWithSsoAction(formData: FormData): Promise<void> {
  const h = await headers();
  const auth = await authForRequest(h);
  const { url } = await auth.api.signInSocial({
    body: {
      provider: OIDC_PROVIDER_ID,
      callbackURL: safeReturnPath(formData.get('next')),
      // The provider's refusals and ours (no role) come back to the sign-in page as ?error=...
      errorCallbackURL: '/signin',
    },
    headers: h,
  });
  if (!url) throw new Error('The single sign-on provider did not give an address to go to.');
  redirect(url);
}

/** Ends the session in the database (wherever its cookie is) and clears the cookie here. */
export async function signOutAction(): Promise<void> {
  const h = await headers();
  const auth = await authForRequest(h);
  await auth.api.signOut({ headers: h }).catch(() => undefined);
  redirect('/signin');
}
