'use client';

import { useActionState } from 'react';

import { deleteVersionAction, setDefaultVersionAction } from '@/app/(console)/policies/[name]/actions';
import { SubmitButton } from '@/components/ui/form';
import { idle } from '@/lib/forms/action-state';

import { useActionToast } from './use-action-toast';

/** "Make default" and "Delete" for one non-default version; the default version has neither. */
export function VersionActions({
  policy,
  versionId,
  isDefault,
}: {
  policy: string;
  versionId: string;
  isDefault: boolean;
}) {
  const [setState, setDefault] = useActionState(setDefaultVersionAction, idle());
  const [deleteState, deleteVersion] = useActionState(deleteVersionAction, idle());
  useActionToast(setState);
  useActionToast(deleteState);

  if (isDefault) return <span className="text-xs text-slate-500">Default (cannot be deleted)</span>;
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <form action={setDefault}>
        <input type="hidden" name="policy" value={policy} />
        <input type="hidden" name="versionId" value={versionId} />
        <SubmitButton variant="secondary" className="px-2 py-1 text-xs" pendingLabel="Setting…">
          <span>
            Set as default<span className="sr-only"> (version {versionId})</span>
          </span>
        </SubmitButton>
      </form>
      <form
        action={deleteVersion}
        onSubmit={(e) => {
          if (!window.confirm(`Delete version ${versionId} of ${policy}? This cannot be undone.`)) e.preventDefault();
        }}
      >
        <input type="hidden" name="policy" value={policy} />
        <input type="hidden" name="versionId" value={versionId} />
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
