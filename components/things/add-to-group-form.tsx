'use client';

import { useActionState, useEffect } from 'react';

import { addToGroupAction } from '@/app/(console)/things/actions';
import { FormMessage, SelectField, SubmitButton } from '@/components/ui/form';
import { useToast } from '@/components/ui/toast';
import { idle } from '@/lib/forms/action-state';

export function AddToGroupForm({ name, groups }: { name: string; groups: string[] }) {
  const [state, action] = useActionState(addToGroupAction, idle());
  const toast = useToast();
  useEffect(() => {
    if (state.status === 'success' && state.message) toast(state.message);
  }, [state, toast]);
  if (groups.length === 0) {
    return (
      <p className="text-sm text-slate-500">
        No other thing groups to add it to. Create a thing group first (aws iot create-thing-group).
      </p>
    );
  }
  return (
    <form action={action} className="flex flex-wrap items-end gap-2" noValidate>
      <input type="hidden" name="name" value={name} />
      <div className="min-w-56">
        <SelectField
          name="groupName"
          label="Add to group"
          errors={state.fieldErrors?.groupName}
          options={[{ value: '', label: 'Choose a group…' }, ...groups.map((g) => ({ value: g, label: g }))]}
        />
      </div>
      <div className="pb-5">
        <SubmitButton variant="secondary" pendingLabel="Adding…">
          Add
        </SubmitButton>
      </div>
      <div className="basis-full">{state.status === 'failed' ? <FormMessage state={state} /> : null}</div>
    </form>
  );
}
