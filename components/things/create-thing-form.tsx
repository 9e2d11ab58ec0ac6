'use client';

import { useActionState } from 'react';

import { createThingAction } from '@/app/(console)/things/actions';
import { FormMessage, SelectField, SubmitButton, TextField } from '@/components/ui/form';
import { ButtonLink } from '@/components/ui/button';
import { idle } from '@/lib/forms/action-state';
import { rowsFromValues } from '@/lib/things/attributes';

import { AttributeRowsEditor } from './attribute-rows-editor';

export interface CreateThingOptions {
  types: { name: string; deprecated: boolean }[];
  groups: string[];
  /** Why the type or group lists could not be read, if they could not. */
  problem?: string;
}

export function CreateThingForm({ options }: { options: CreateThingOptions }) {
  const [state, action] = useActionState(createThingAction, idle());
  const values = state.values;
  // A new submission's answer remounts the fields, so they show exactly what was sent back.
  const key = JSON.stringify([state.status, values, state.fieldErrors]);
  return (
    <form action={action} className="max-w-2xl space-y-5" noValidate>
      <div key={key} className="space-y-5">
        <TextField
          name="name"
          label="Thing name"
          hint="1-128 letters, digits, colons, underscores or hyphens. It cannot be changed later."
          defaultValue={values?.name ?? ''}
          errors={state.fieldErrors?.name}
          autoComplete="off"
          spellCheck={false}
          maxLength={128}
          required
          autoFocus
        />
        <SelectField
          name="typeName"
          label="Thing type (optional)"
          hint="With a type a thing may have up to 50 attributes; without, 3."
          defaultValue={values?.typeName ?? ''}
          errors={state.fieldErrors?.typeName}
          options={[
            { value: '', label: 'No type' },
            ...options.types.filter((t) => !t.deprecated).map((t) => ({ value: t.name, label: t.name })),
          ]}
        />
        <SelectField
          name="groupName"
          label="Thing group (optional)"
          defaultValue={values?.groupName ?? ''}
          errors={state.fieldErrors?.groupName}
          options={[{ value: '', label: 'No group' }, ...options.groups.map((g) => ({ value: g, label: g }))]}
        />
        <AttributeRowsEditor
          initialRows={rowsFromValues(values, [{ name: '', value: '' }])}
          fieldErrors={state.fieldErrors}
          hint="Searchable name/value pairs, e.g. site = lab. Values may not contain spaces."
        />
      </div>
      {options.problem ? <p className="text-xs text-amber-800">{options.problem}</p> : null}
      <FormMessage state={state} />
      <div className="flex gap-2">
        <SubmitButton pendingLabel="Creating…">Create thing</SubmitButton>
        <ButtonLink href="/things" variant="ghost">
          Cancel
        </ButtonLink>
      </div>
    </form>
  );
}
