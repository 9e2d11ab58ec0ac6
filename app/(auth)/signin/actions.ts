'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';

import { safeReturnPath } from '@/lib/auth/return-path';
import { signIn, signOut } from '@/lib/auth/session';
import { failed, invalid, type ActionState } from '@/lib/forms/action-state';

const signInForm = z.object({
  user: z.string().trim().min(1, 'Enter the user name.').max(128, 'At most 128 characters.'),
  password: z.string().min(1, 'Enter the password.').max(1024, 'At most 1,024 characters.'),
  next: z.string().optional(),
});

export async function signInAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const parsed = signInForm.safeParse(Object.fromEntries(formData));
  const user = typeof formData.get('user') === 'string' ? String(formData.get('user')) : '';
  if (!parsed.success) return invalid(parsed.error, { user });
  const result = await signIn(parsed.data.user, parsed.data.password);
  if (!result.ok) {
    return result.reason === 'rate_limited'
      ? failed(`Too many failed sign-ins. Try again in ${result.retryAfterSeconds} seconds.`, { user })
      : failed('The user name or password is wrong.', { user });
  }
  redirect(safeReturnPath(parsed.data.next));
}

export async function signOutAction(): Promise<void> {
  await signOut();
  redirect('/signin');
}
