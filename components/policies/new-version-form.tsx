'use client';

import { useActionState, useEffect, useState } from 'react';

import { createVersionAction } from '@/app/(console)/policies/[name]/actions';
import { Alert } from '@/components/ui/alert';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import { idle } from '@/lib/forms/action-state';

import { PolicyDocumentEditor } from './policy-document-editor';
import { useActionToast } from '@/components/ui/use-action-toast';

/**
 * A new version of the policy, starting from the current default document. AWS IoT keeps five versions;
 * at five, CreatePolicyVersion is refused (VersionsLimitExceededException) and the form says what to do.
 */
export function NewVersionForm({
  policy,
  initialDocument,
  versionCount,
  maxVersions,
}: {
  policy: string;
  initialDocument: string;
  versionCount: number;
  maxVersions: number;
}) {
  const [state, formAction] = useActionState(createVersionAction, idle());
  const [document, setDocument] = useState(initialDocument);
  useActionToast(state, { errors: false });

  // After a new default, the editor starts from it.
  useEffect(() => {
    if (state.status === 'success') setDocument(initialDocument);
  }, [state, initialDocument]);

  const full = versionCount >= maxVersions;
  const serverErrors = state.values?.document === document ? state.fieldErrors?.document : undefined;

  return (
    <form action={formAction} className="space-y-4" noValidate>
      <input type="hidden" name="policy" value={policy} />
      <p className="text-sm text-slate-600">
        AWS IoT keeps at most {maxVersions} versions of a policy; this one has {versionCount}. Devices always get the
        default version, so a new default takes effect on their next request.
      </p>
      {full ? (
        <Alert tone="warning" title={`This policy already has ${maxVersions} versions`}>
          AWS IoT will refuse a sixth. Delete an old version that is not the default (in the table above) first.
        </Alert>
      ) : null}
      <PolicyDocumentEditor
        name="document"
        label="New version document"
        value={document}
        onChange={setDocument}
        serverErrors={serverErrors}
      />
      <label className="flex items-center gap-2 text-sm text-slate-800">
        <input type="checkbox" name="setAsDefault" defaultChecked className="size-4 rounded border-slate-300" />
        Set as the default version
      </label>
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Creating version…">Create version</SubmitButton>
    </form>
  );
}
