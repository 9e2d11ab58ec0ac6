'use client';

import { useActionState } from 'react';

import { SubmitButton } from '@/components/ui/form';
import { type ActionState, idle } from '@/lib/forms/action-state';

import { useActionToast } from './use-action-toast';

type VersionAction = (previous: ActionState, formData: FormData) => Promise<ActionState>;

/**
 * "Set as default" and "Delete" for one version that is not the default, of anything AWS keeps versions of
 * (policies, provisioning templates). Each form posts the owner under `ownerField` and the `versionId`; delete
 * asks first.
 */
export function VersionRowActions({
  ownerField,
  owner,
  versionId,
  setDefaultAction,
  deleteAction,
}: {
  ownerField: string;
  owner: string;
  versionId: string | number;
  setDefaultAction: VersionAction;
  deleteAction: VersionAction;
}) {
  const [setState, setDefault] = useActionState(setDefaultAction, idle());
  const [deleteState, remove] = useActionState(deleteAction, idle());
  useActionToast(setState);
  useActionToast(deleteState);
  const ids = (
    <>
      <input type="hidden" name={ownerField} value={owner} />
      <input type="hidden" name="versionId" value={versionId} />
    </>
  );
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <form action={setDefault}>
        {ids}
        <SubmitButton variant="secondary" className="px-2 py-1 text-xs" pendingLabel="Setting…">
          <span>
            Set as default<span className="sr-only"> (version {versionId})</span>
          </span>
        </SubmitButton>
      </form>
      <form
        action={remove}
        onSubmit={(e) => {
          if (!window.confirm(`Delete version ${versionId} of ${owner}? This cannot be undone.`)) e.preventDefault();
        }}
      >
        {ids}
        <SubmitButton
          variant="ghost"
          className="px-2 py-1 text-xs text-red-700 hover:bg-red-50"
          pendingLabel="Deleting…"
        >
          <span>
            Delete<span className="sr-only"> version {versionId}</span>
          </span>
        </SubmitButton>
      </form>
    </div>
  );
}
