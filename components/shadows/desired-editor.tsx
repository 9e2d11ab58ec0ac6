'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useRef, useState } from 'react';

import { saveDesiredAction, type SaveDesiredData } from '@/app/(console)/things/[name]/shadow/actions';
import { Button } from '@/components/ui/button';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import { JsonEditor } from '@/components/ui/json-editor';
import { useToast } from '@/components/ui/toast';
import { idle, type ActionState } from '@/lib/forms/action-state';
import { desiredText, type ShadowView } from '@/lib/shadows/view';

/**
 * The desired state in a JSON editor. While untouched it follows the shadow live; once edited it keeps the
 * version it was loaded at, and the save is sent with that version, so a change made meanwhile is refused
 * (with both versions named) instead of being overwritten.
 */
export function DesiredEditor({
  thingName,
  shadowName,
  view,
}: {
  thingName: string;
  shadowName?: string;
  view: ShadowView;
}) {
  const router = useRouter();
  const toast = useToast();
  const [state, action] = useActionState<ActionState<SaveDesiredData>, FormData>(
    saveDesiredAction,
    idle<SaveDesiredData>(),
  );
  const [text, setText] = useState(() => desiredText(view.state.desired));
  const [baseVersion, setBaseVersion] = useState(view.version);
  const [dirty, setDirty] = useState(false);
  const handled = useRef(state);
  const [dismissed, setDismissed] = useState<ActionState<SaveDesiredData> | undefined>();
  const shown = dismissed === state ? idle<SaveDesiredData>() : state;

  // Untouched: follow the shadow (live updates, the page re-rendered after a save).
  useEffect(() => {
    if (dirty) return;
    setText(desiredText(view.state.desired));
    setBaseVersion(view.version);
  }, [dirty, view.version, view.state.desired]);

  useEffect(() => {
    if (handled.current === state) return;
    handled.current = state;
    if (state.status === 'success') {
      toast(state.message ?? 'Saved.');
      setDirty(false);
    }
  }, [state, toast]);

  const conflict = shown.status === 'failed' ? shown.data?.conflict : undefined;
  const movedOn = dirty && view.version !== baseVersion;

  const loadLatest = () => {
    setDirty(false);
    setDismissed(state);
    router.refresh();
  };

  return (
    <form action={action} className="space-y-3" aria-label="Edit desired state">
      <input type="hidden" name="thingName" value={thingName} />
      <input type="hidden" name="shadowName" value={shadowName ?? ''} />
      <input type="hidden" name="version" value={baseVersion} />
      <JsonEditor
        name="desired"
        label="Desired state"
        value={text}
        onChange={(v) => {
          setText(v);
          setDirty(true);
          if (state.status === 'invalid') setDismissed(state);
        }}
        rows={10}
        errors={shown.status === 'invalid' ? shown.fieldErrors?.desired : undefined}
        hint={
          <>
            The whole desired state as it should be: changed fields are sent, fields you remove are sent as null.
            Checked before sending: a JSON object, at most 6 levels deep, desired and reported together at most 8 KB.
            Sent with version {baseVersion}.
          </>
        }
      />
      {movedOn && !conflict ? (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          The shadow changed while you were editing (version {baseVersion} → {view.version}). Saving will be refused;
          load the latest version to edit from there.
        </p>
      ) : null}
      <FormMessage state={shown} />
      <div className="flex flex-wrap items-center gap-2">
        <SubmitButton pendingLabel="Saving…">Save desired state</SubmitButton>
        {dirty || conflict ? (
          <Button variant="secondary" onClick={loadLatest}>
            {conflict || movedOn ? 'Load the latest version (discards your edits)' : 'Discard changes'}
          </Button>
        ) : null}
      </div>
    </form>
  );
}
