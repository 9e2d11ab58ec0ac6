'use client';

import { deleteVersionAction, setDefaultVersionAction } from '@/app/(console)/policies/[name]/actions';
import { VersionRowActions } from '@/components/ui/version-row-actions';

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
  if (isDefault) return <span className="text-xs text-slate-500">Default (cannot be deleted)</span>;
  return (
    <VersionRowActions
      ownerField="policy"
      owner={policy}
      versionId={versionId}
      setDefaultAction={setDefaultVersionAction}
      deleteAction={deleteVersionAction}
    />
  );
}
