'use client';

import { useActionState } from 'react';

import {
  endAllSessionsAction,
  endSessionAction,
  resetPasswordAction,
  setDisabledAction,
  setRoleAction,
} from '@/app/(console)/users/actions';
import { FormMessage, SelectField, SubmitButton, TextField } from '@/components/ui/form';
import { idle } from '@/lib/forms/action-state';

import { ROLE_OPTIONS } from './create-user-form';

/** The controls of one user's page; each form is one action, its answer shown beside it. */

export function RoleForm({ userId, role, lastAdmin }: { userId: string; role: string; lastAdmin: boolean }) {
  const [state, action] = useActionState(setRoleAction, idle());
  return (
    <form action={action} className="space-y-3" aria-label="Role">
      <input type="hidden" name="userId" value={userId} />
      <SelectField
        name="role"
        label="Role"
        options={ROLE_OPTIONS}
        defaultValue={role}
        disabled={lastAdmin}
        hint={lastAdmin ? 'The only enabled admin keeps the admin role: make someone else admin first.' : undefined}
      />
      <SubmitButton variant="secondary" disabled={lastAdmin} pendingLabel="Saving…">
        Save role
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function DisableForm({
  userId,
  disabled,
  lastAdmin,
}: {
  userId: string;
  disabled: boolean;
  lastAdmin: boolean;
}) {
  const [state, action] = useActionState(setDisabledAction, idle());
  const blocked = !disabled && lastAdmin;
  return (
    <form action={action} className="space-y-3" aria-label={disabled ? 'Enable' : 'Disable'}>
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="disabled" value={disabled ? 'false' : 'true'} />
      <p className="text-sm text-slate-600">
        {disabled
          ? 'Disabled: they cannot sign in.'
          : blocked
            ? 'The only enabled admin cannot be disabled.'
            : 'Disabling ends all their sessions at once and stops them signing in.'}
      </p>
      <SubmitButton variant={disabled ? 'secondary' : 'danger'} disabled={blocked} pendingLabel="Saving…">
        {disabled ? 'Enable user' : 'Disable user'}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function ResetPasswordForm({ userId }: { userId: string }) {
  const [state, action] = useActionState(resetPasswordAction, idle());
  return (
    <form action={action} className="space-y-3" aria-label="Set a password" noValidate>
      <input type="hidden" name="userId" value={userId} />
      <TextField
        name="password"
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="12 characters or more. Every session of theirs ends."
        errors={state.fieldErrors?.password}
      />
      <SubmitButton variant="secondary" pendingLabel="Setting…">
        Set password
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function EndSessionButton({ userId, sessionId, label }: { userId: string; sessionId: string; label: string }) {
  const [state, action] = useActionState(endSessionAction, idle());
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="sessionId" value={sessionId} />
      <SubmitButton variant="secondary" pendingLabel="Ending…">
        {label}
      </SubmitButton>
      {state.status === 'failed' ? <FormMessage state={state} /> : null}
    </form>
  );
}

export function EndAllSessionsForm({ userId, count }: { userId: string; count: number }) {
  const [state, action] = useActionState(endAllSessionsAction, idle());
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="userId" value={userId} />
      <SubmitButton variant="danger" disabled={count === 0} pendingLabel="Ending…">
        End all sessions
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
