'use client';

import { useActionState, useState } from 'react';

import {
  deleteCaAction,
  updateAutoRegistrationAction,
  updateCaStatusAction,
  type CaUpdateState,
} from '@/app/(console)/cas/actions';
import { useActionToast } from '@/components/ui/use-action-toast';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import { idle } from '@/lib/forms/action-state';

/** Activate or deactivate the CA (an INACTIVE CA's devices cannot connect and nothing auto-registers). */
export function CaStatusForm({ caId, status }: { caId: string; status: 'ACTIVE' | 'INACTIVE' }) {
  const [state, action] = useActionState<CaUpdateState, FormData>(updateCaStatusAction, idle());
  useActionToast(state);
  const next = status === 'ACTIVE' ? 'INACTIVE' : 'ACTIVE';
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="caCertificateId" value={caId} />
      <input type="hidden" name="newStatus" value={next} />
      <SubmitButton
        variant={next === 'ACTIVE' ? 'primary' : 'secondary'}
        pendingLabel={next === 'ACTIVE' ? 'Activating…' : 'Deactivating…'}
      >
        {next === 'ACTIVE' ? 'Activate CA' : 'Deactivate CA'}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function AutoRegistrationForm({ caId, enabled }: { caId: string; enabled: boolean }) {
  const [state, action] = useActionState<CaUpdateState, FormData>(updateAutoRegistrationAction, idle());
  useActionToast(state);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="caCertificateId" value={caId} />
      <input type="hidden" name="autoRegistration" value={enabled ? 'DISABLE' : 'ENABLE'} />
      <SubmitButton variant="secondary" pendingLabel="Saving…">
        {enabled ? 'Turn auto-registration off' : 'Turn auto-registration on'}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

/** AWS deletes only an INACTIVE CA; the form says so and stays disabled until then. */
export function DeleteCaForm({ caId, status }: { caId: string; status: 'ACTIVE' | 'INACTIVE' }) {
  const [state, action] = useActionState<CaUpdateState, FormData>(deleteCaAction, idle());
  const [confirmed, setConfirmed] = useState(false);
  const active = status === 'ACTIVE';
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="caCertificateId" value={caId} />
      {active ? (
        <p className="text-sm text-slate-700">
          AWS IoT deletes only an <strong>INACTIVE</strong> CA certificate. Deactivate it first (devices it signed then
          can no longer connect), then delete it.
        </p>
      ) : (
        <p className="text-sm text-slate-700">
          Deleting unregisters the CA. Device certificates it signed that are already registered stay registered; new
          devices it signs are refused.
        </p>
      )}
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          name="confirmed"
          value="yes"
          disabled={active}
          checked={confirmed}
          onChange={(e) => setConfirmed(e.target.checked)}
        />
        I understand this cannot be undone
      </label>
      <div id="confirmed-error" aria-live="polite" className="text-xs text-red-700">
        {state.fieldErrors?.confirmed?.[0]}
      </div>
      <SubmitButton variant="danger" pendingLabel="Deleting…" disabled={active || !confirmed}>
        Delete CA
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
