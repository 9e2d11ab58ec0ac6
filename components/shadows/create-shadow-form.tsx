'use client';

import { useActionState, useState } from 'react';

import { createShadowAction } from '@/app/(console)/things/[name]/shadow/actions';
import { FormMessage, SubmitButton, TextField } from '@/components/ui/form';
import { JsonEditor } from '@/components/ui/json-editor';
import { idle, type ActionState } from '@/lib/forms/action-state';

/**
 * Creates a shadow with an initial desired state: a named one (with a name field), or, from the empty state of
 * a shadow that does not exist yet, that very shadow.
 */
export function CreateShadowForm({
  thingName,
  shadowName,
  named,
  submitLabel,
  initialDesired = '{}',
}: {
  thingName: string;
  /** The shadow to create when the name is fixed (the empty state); absent with `named` to ask for one. */
  shadowName?: string;
  named?: boolean;
  submitLabel: string;
  initialDesired?: string;
}) {
  const [state, action] = useActionState<ActionState, FormData>(createShadowAction, idle());
  // Distinct field names: this form can sit on the same page as the desired-state editor.
  const field = named ? 'initialDesired' : 'createDesired';
  const [desired, setDesired] = useState(state.values?.[field] ?? initialDesired);
  return (
    <form action={action} className="space-y-3" aria-label={named ? 'Create a named shadow' : 'Create this shadow'}>
      <input type="hidden" name="thingName" value={thingName} />
      {named ? (
        <TextField
          name="shadowName"
          label="Shadow name"
          defaultValue={state.values?.shadowName ?? ''}
          errors={state.fieldErrors?.shadowName}
          hint="1-64 characters: letters, digits and $ : _ -"
          maxLength={64}
          autoComplete="off"
          required
        />
      ) : (
        <input type="hidden" name="shadowName" value={shadowName ?? ''} />
      )}
      <JsonEditor
        name={field}
        label={named ? 'Initial desired state' : 'Desired state to create it with'}
        value={desired}
        onChange={setDesired}
        rows={named ? 4 : 6}
        errors={state.fieldErrors?.desired}
        hint="A JSON object; {} creates the shadow empty."
      />
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Creating…">{submitLabel}</SubmitButton>
    </form>
  );
}
