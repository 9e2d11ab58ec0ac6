'use client';

import { useActionState, useEffect, useRef, useState } from 'react';

import { deleteShadowAction } from '@/app/(console)/things/[name]/shadow/actions';
import { Button } from '@/components/ui/button';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import { idle, type ActionState } from '@/lib/forms/action-state';

/** "Delete shadow", then an inline confirmation that says what deleting does. */
export function DeleteShadowForm({ thingName, shadowName }: { thingName: string; shadowName?: string }) {
  const [state, action] = useActionState<ActionState, FormData>(deleteShadowAction, idle());
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLDivElement>(null);
  const label = shadowName ? `shadow "${shadowName}"` : 'classic shadow';

  useEffect(() => {
    if (confirming) confirmRef.current?.querySelector<HTMLButtonElement>('button[type="submit"]')?.focus();
  }, [confirming]);

  if (!confirming) {
    return (
      <Button variant="secondary" className="text-red-700" onClick={() => setConfirming(true)}>
        Delete shadow
      </Button>
    );
  }
  return (
    <form action={action} aria-label={`Delete the ${label}`} className="w-full">
      <input type="hidden" name="thingName" value={thingName} />
      <input type="hidden" name="shadowName" value={shadowName ?? ''} />
      {/* biome-ignore lint/a11y/noStaticElementInteractions: Escape anywhere in the confirmation cancels it; the buttons inside are the interactive elements. */}
      <div
        ref={confirmRef}
        className="space-y-3 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900"
        onKeyDown={(e) => {
          if (e.key === 'Escape') setConfirming(false);
        }}
      >
        <p>
          Delete the {label} of <strong>{thingName}</strong>? Its desired and reported state are removed; a device that
          reports again creates it anew (AWS keeps counting versions from where this one stopped).
        </p>
        <FormMessage state={state} />
        <div className="flex gap-2">
          <SubmitButton variant="danger" pendingLabel="Deleting…">
            Delete the {label}
          </SubmitButton>
          <Button variant="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
        </div>
      </div>
    </form>
  );
}
