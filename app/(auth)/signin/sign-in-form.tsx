'use client';

import { useActionState } from 'react';

import { FormMessage, SubmitButton, TextField } from '@/components/ui/form';
import { idle } from '@/lib/forms/action-state';

import { signInAction } from './actions';

export function SignInForm({ next }: { next?: string }) {
  const [state, action] = useActionState(signInAction, idle());
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="next" value={next ?? ''} />
      <TextField
        name="user"
        label="User"
        autoComplete="username"
        defaultValue={state.values?.user ?? 'admin'}
        errors={state.fieldErrors?.user}
        required
      />
      <TextField
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        errors={state.fieldErrors?.password}
        required
        autoFocus
      />
      <FormMessage state={state} />
      <SubmitButton className="w-full" pendingLabel="Signing in…">
        Sign in
      </SubmitButton>
    </form>
  );
}
