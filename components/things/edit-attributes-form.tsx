'use client';

import { useActionState, useEffect } from 'react';

import { updateAttributesAction } from '@/app/(console)/things/actions';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import { useToast } from '@/components/ui/toast';
import { idle } from '@/lib/forms/action-state';
import { rowsFromValues } from '@/lib/things/attributes';
import { MAX_ATTRIBUTES_WITH_TYPE, MAX_ATTRIBUTES_WITHOUT_TYPE } from '@/lib/validation/iot-names';

import { AttributeRowsEditor } from './attribute-rows-editor';

/**
 * Add, change and remove a thing's attributes. The form carries the version it shows, so AWS refuses the
 * save (expectedVersion) when someone else changed the thing meanwhile.
 */
export function EditAttributesForm({
  name,
  version,
  typeName,
  attributes,
}: {
  name: string;
  version: number;
  typeName: string | undefined;
  attributes: Record<string, string>;
}) {
  const [state, action] = useActionState(updateAttributesAction, idle());
  const toast = useToast();
  useEffect(() => {
    if (state.status === 'success' && state.message) toast(state.message);
  }, [state, toast]);

  const current = Object.entries(attributes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => ({ name: k, value: v }));
  const refused = state.status === 'invalid' || state.status === 'failed';
  const key = JSON.stringify([version, refused ? [state.values, state.fieldErrors] : null]);
  const max = typeName ? MAX_ATTRIBUTES_WITH_TYPE : MAX_ATTRIBUTES_WITHOUT_TYPE;
  return (
    <form action={action} className="space-y-4" noValidate aria-label="Attributes">
      <input type="hidden" name="name" value={name} />
      <input type="hidden" name="version" value={version} />
      <input type="hidden" name="typeName" value={typeName ?? ''} />
      <input type="hidden" name="original" value={JSON.stringify(attributes)} />
      <AttributeRowsEditor
        key={key}
        hideLegend
        initialRows={refused ? rowsFromValues(state.values, current) : current}
        fieldErrors={refused ? state.fieldErrors : undefined}
        hint={`${typeName ? `With thing type "${typeName}"` : 'Without a thing type'} this thing can have up to ${max} attributes.`}
      />
      {state.status === 'success' ? <div aria-live="polite" /> : <FormMessage state={state} />}
      <SubmitButton pendingLabel="Saving…">Save attributes</SubmitButton>
    </form>
  );
}
