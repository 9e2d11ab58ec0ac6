'use client';

import { useActionState, useState } from 'react';

import { deleteTemplateAction, updateTemplateAction } from '@/app/(console)/provisioning/actions';
import { useActionToast } from '@/components/ui/use-action-toast';
import { FormMessage, SubmitButton, TextField } from '@/components/ui/form';
import { idle } from '@/lib/forms/action-state';

/** A template's settings (enabled, description, pre-provisioning hook) and its deletion. */
export function TemplateSettingsForm({
  name,
  enabled,
  description,
  hookArn,
}: {
  name: string;
  enabled: boolean;
  description: string;
  hookArn: string;
}) {
  const [state, save] = useActionState(updateTemplateAction, idle());
  const [deleteState, remove] = useActionState(deleteTemplateAction, idle());
  const [confirm, setConfirm] = useState('');
  useActionToast(state);
  const v = state.values;
  return (
    <div className="space-y-6">
      <form action={save} className="space-y-4">
        <input type="hidden" name="name" value={name} />
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="enabled"
            value="on"
            defaultChecked={v ? v.enabled === 'on' : enabled}
            className="accent-indigo-600"
          />
          Enabled (a disabled template refuses every device)
        </label>
        <TextField
          name="description"
          label="Description"
          defaultValue={v?.description ?? description}
          errors={state.fieldErrors?.description}
        />
        <TextField
          name="hookArn"
          label="Pre-provisioning hook"
          defaultValue={v?.hookArn ?? hookArn}
          placeholder="arn:aws:lambda:us-east-1:123456789012:function:check-device"
          errors={state.fieldErrors?.hookArn}
          hint="Empty removes the hook. The Lambda answers allowProvisioning (and may override parameters) before each device is provisioned."
        />
        <SubmitButton pendingLabel="Saving…">Save settings</SubmitButton>
        <FormMessage state={state} />
      </form>
      <form action={remove} className="space-y-2 border-t border-slate-200 pt-4">
        <input type="hidden" name="name" value={name} />
        <p className="text-sm text-slate-700">
          Deleting the template deletes all its versions; devices asking it are refused. Things it made stay.
        </p>
        <TextField
          name="confirm"
          label={`Type ${name} to delete it`}
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          autoComplete="off"
        />
        <SubmitButton variant="danger" pendingLabel="Deleting…" disabled={confirm !== name}>
          Delete template
        </SubmitButton>
        <FormMessage state={deleteState} />
      </form>
    </div>
  );
}
