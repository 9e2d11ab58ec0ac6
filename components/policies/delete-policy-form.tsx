'use client';

import { useActionState, useState } from 'react';

import { deletePolicyAction } from '@/app/(console)/policies/[name]/actions';
import { FormMessage, SubmitButton, TextField } from '@/components/ui/form';
import { idle } from '@/lib/forms/action-state';

/**
 * Deleting a policy, with AWS's rules spelled out: DeletePolicy is refused while the policy is attached
 * anywhere or has versions besides the default. The guided delete does the clean-up in AWS's order
 * (non-default versions, then every attachment, then the policy) after the operator types the name.
 */
export function DeletePolicyForm({
  policy,
  targetCount,
  extraVersions,
}: {
  policy: string;
  targetCount: number;
  /** Ids of the versions other than the default. */
  extraVersions: readonly string[];
}) {
  const [state, action] = useActionState(deletePolicyAction, idle());
  const [confirm, setConfirm] = useState('');
  const needsCleanup = targetCount > 0 || extraVersions.length > 0;
  const steps: string[] = [];
  if (extraVersions.length)
    steps.push(
      `delete version${extraVersions.length === 1 ? '' : 's'} ${extraVersions.map((v) => `v${v}`).join(', ')}`,
    );
  if (targetCount) steps.push(`detach it from ${targetCount} target${targetCount === 1 ? '' : 's'}`);
  steps.push('delete the policy');

  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="policy" value={policy} />
      <div className="space-y-2 text-sm text-slate-700">
        <p>
          AWS IoT deletes a policy only when it is attached to nothing and has no versions besides the default.
          {needsCleanup
            ? ' This one still has ' +
              [
                targetCount ? `${targetCount} target${targetCount === 1 ? '' : 's'}` : '',
                extraVersions.length
                  ? `${extraVersions.length} other version${extraVersions.length === 1 ? '' : 's'}`
                  : '',
              ]
                .filter(Boolean)
                .join(' and ') +
              ', so the dashboard will, in this order:'
            : ' Nothing is left to clean up.'}
        </p>
        {needsCleanup ? (
          <ol className="list-decimal space-y-0.5 pl-6">
            {steps.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ol>
        ) : null}
        {targetCount ? (
          <p className="font-medium text-red-800">
            Devices using those certificates lose these permissions at once. This cannot be undone.
          </p>
        ) : (
          <p>This cannot be undone.</p>
        )}
      </div>
      <div className="max-w-md">
        <TextField
          name="confirm"
          label={`Type ${policy} to confirm`}
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          errors={state.fieldErrors?.confirm}
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <FormMessage state={state} />
      <SubmitButton variant="danger" pendingLabel="Deleting…" disabled={confirm.trim() !== policy}>
        {needsCleanup ? 'Detach everywhere and delete' : 'Delete policy'}
      </SubmitButton>
    </form>
  );
}
