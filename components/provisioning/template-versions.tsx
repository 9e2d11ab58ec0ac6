'use client';

import { useActionState, useState } from 'react';

import {
  createVersionAction,
  deleteVersionAction,
  setDefaultVersionAction,
} from '@/app/(console)/provisioning/actions';
import { useActionToast } from '@/components/ui/use-action-toast';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import { JsonEditor } from '@/components/ui/json-editor';
import { VersionRowActions } from '@/components/ui/version-row-actions';
import { idle } from '@/lib/forms/action-state';
import { checkFleetTemplate } from '@/lib/provisioning/template-check';

import { TemplateCheckView } from './template-check-view';

/** "Set as default" and "Delete" for one version that is not the default. */
export function TemplateVersionActions({ name, versionId }: { name: string; versionId: number }) {
  return (
    <VersionRowActions
      ownerField="name"
      owner={name}
      versionId={versionId}
      setDefaultAction={setDefaultVersionAction}
      deleteAction={deleteVersionAction}
    />
  );
}

/** A new version, starting from the default's body, checked as it is typed. */
export function NewTemplateVersionForm({ name, body: initial }: { name: string; body: string }) {
  const [state, create] = useActionState(createVersionAction, idle());
  const [body, setBody] = useState(state.values?.body ?? initial);
  useActionToast(state);
  const check = body.trim() ? checkFleetTemplate(body) : undefined;
  return (
    <form action={create} className="space-y-3">
      <input type="hidden" name="name" value={name} />
      <JsonEditor
        name="body"
        label="New version"
        value={body}
        onChange={setBody}
        rows={14}
        errors={state.fieldErrors?.body}
      />
      <TemplateCheckView check={check} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="setAsDefault" value="on" defaultChecked className="accent-indigo-600" />
        Make it the default (devices provision with it from now on)
      </label>
      <SubmitButton pendingLabel="Creating…" disabled={!body.trim() || Boolean(check?.problems.length)}>
        Create version
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
