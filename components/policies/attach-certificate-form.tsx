'use client';

import { useActionState } from 'react';

import { attachCertificateAction } from '@/app/(console)/policies/[name]/actions';
import { FormMessage, SubmitButton, TextField } from '@/components/ui/form';
import { idle } from '@/lib/forms/action-state';

import { useActionToast } from '@/components/ui/use-action-toast';

/** Attach the policy to a certificate named by its id or ARN (checked against AWS before attaching). */
export function AttachCertificateForm({ policy }: { policy: string }) {
  const [state, action] = useActionState(attachCertificateAction, idle());
  useActionToast(state, { errors: false });
  // React resets the form after each action; the field then shows what was typed, unless it worked.
  return (
    <form action={action} className="flex max-w-3xl flex-wrap items-start gap-3" noValidate>
      <input type="hidden" name="policy" value={policy} />
      <div className="min-w-0 flex-1">
        <TextField
          name="target"
          label="Certificate id or ARN"
          hint="The 64-character certificate id, or arn:aws:iot:<region>:<account>:cert/<id>."
          defaultValue={state.status === 'success' ? '' : (state.values?.target ?? '')}
          errors={state.fieldErrors?.target}
          autoComplete="off"
          spellCheck={false}
          className="font-mono"
        />
      </div>
      <div className="pt-6">
        <SubmitButton pendingLabel="Attaching…">Attach</SubmitButton>
      </div>
      <div className="w-full">{state.status === 'failed' ? <FormMessage state={state} /> : null}</div>
    </form>
  );
}
