'use client';

import { useActionState, useState } from 'react';

import {
  createVersionAction,
  deleteVersionAction,
  setDefaultVersionAction,
} from '@/app/(console)/provisioning/actions';
import { useActionToast } from '@/components/policies/use-action-toast';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import { JsonEditor } from '@/components/ui/json-editor';
import { idle } from '@/lib/forms/action-state';
import { checkFleetTemplate } from '@/lib/provisioning/template-check';

import { TemplateCheckView } from './template-check-view';

/** "Set as default" and "Delete" for one version that is not the default. */
export function TemplateVersionActions({ name, versionId }: { name: string; versionId: number }) {
  const [setState, setDefault] = useActionState(setDefaultVersionAction, idle());
  const [deleteState, remove] = useActionState(deleteVersionAction, idle());
  useActionToast(setState);
  useActionToast(deleteState);
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <form action={setDefault}>
        <input type="hidden" name="name" value={name} />
        <input type="hidden" name="versionId" value={versionId} />
        <SubmitButton variant="secondary" className="px-2 py-1 text-xs" pendingLabel="Setting…">
          <span>
            Set as default<span className="sr-only"> (version {versionId})</span>
          </span>
        </SubmitButton>
      </form>
      <form
        action={remove}
        onSubmit={(e) => {
          if (!window.confirm(`Delete version ${versionId} of ${name}? This cannot be undone.`)) e.preventDefault();
        }}
      >
        <input type="hidden" name="name" value={name} />
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
