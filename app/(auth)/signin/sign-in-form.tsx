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
        name="login"
        label="User name or e-mail"
        autoComplete="username"
        defaultValue={state.values?.login ?? ''}
        errors={state.fieldErrors?.login}
        required
        autoFocus
      />
      <TextField
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        errors={state.fieldErrors?.password}
        required
      />
      <FormMessage state={state} />
      <SubmitButton className="w-full" pendingLabel="Signing in…">
        Sign in
      </SubmitButton>
    </form>
  );
}
