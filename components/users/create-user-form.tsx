'use client';

import { useActionState } from 'react';

import { createUserAction } from '@/app/(console)/users/actions';
import { FormMessage, SelectField, SubmitButton, TextField } from '@/components/ui/form';
import { idle } from '@/lib/forms/action-state';

const ROLE_OPTIONS = [
  { value: 'viewer', label: 'viewer: reads everything except secrets' },
  { value: 'operator', label: 'operator: also onboards, downloads bundles, edits shadows, publishes' },
  { value: 'admin', label: 'admin: also CAs, policies, deletion, revocation, users' },
] as const;

export { ROLE_OPTIONS };

/** A new local account: the person signs in with the user name (or e-mail) and the password given here. */
export function CreateUserForm() {
  const [state, action] = useActionState(createUserAction, idle());
  return (
    <form action={action} className="grid max-w-3xl gap-4 sm:grid-cols-2" noValidate aria-label="Add a user">
      <TextField name="name" label="Name" defaultValue={state.values?.name} errors={state.fieldErrors?.name} required />
      <TextField
        name="username"
        label="User name"
        autoComplete="off"
        defaultValue={state.values?.username}
        errors={state.fieldErrors?.username}
        required
      />
      <TextField
        name="email"
        label="E-mail"
        type="email"
        autoComplete="off"
        defaultValue={state.values?.email}
        errors={state.fieldErrors?.email}
        required
      />
      <SelectField
        name="role"
        label="Role"
        options={ROLE_OPTIONS}
        defaultValue={state.values?.role ?? 'viewer'}
        errors={state.fieldErrors?.role}
      />
      <TextField
        name="password"
        label="Initial password"
        type="password"
        autoComplete="new-password"
        hint="12 characters or more. Give it to them by a safe way; an admin can set another one later."
        errors={state.fieldErrors?.password}
        required
      />
      <div className="flex items-end gap-3 sm:col-span-2">
        <SubmitButton pendingLabel="Adding…">Add user</SubmitButton>
        <div className="flex-1">
          <FormMessage state={state} />
        </div>
      </div>
    </form>
  );
}
