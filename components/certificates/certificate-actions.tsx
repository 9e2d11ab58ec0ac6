'use client';

import Link from 'next/link';
import { useActionState, useEffect, useState } from 'react';

import {
  deleteCertificateAction,
  updateCertificateStatusAction,
  type DeleteState,
  type StatusState,
} from '@/app/(console)/certificates/actions';
import { LockedButton } from '@/components/console/locked-button';
import { Button } from '@/components/ui/button';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import { useToast } from '@/components/ui/toast';
import type { CertificateStatus } from '@/lib/aws/certificates';
import { idle } from '@/lib/forms/action-state';

import { CancelButton, ConfirmDialog } from './confirm-dialog';

function useToastOn(state: { status: string; message?: string }) {
  const toast = useToast();
  useEffect(() => {
    if (!state.message) return;
    if (state.status === 'success') toast(state.message, 'success');
    else if (state.status === 'failed' || state.status === 'invalid') toast(state.message, 'error');
  }, [state, toast]);
}

function StatusForm({
  id,
  newStatus,
  label,
  pendingLabel,
  action,
  variant = 'secondary',
}: {
  id: string;
  newStatus: 'ACTIVE' | 'INACTIVE';
  label: string;
  pendingLabel: string;
  action: (formData: FormData) => void;
  variant?: 'primary' | 'secondary';
}) {
  return (
    <form action={action}>
      <input type="hidden" name="certificateId" value={id} />
      <input type="hidden" name="newStatus" value={newStatus} />
      <SubmitButton variant={variant} pendingLabel={pendingLabel}>
        {label}
      </SubmitButton>
    </form>
  );
}

function NameList({ names, hrefOf }: { names: readonly string[]; hrefOf: (n: string) => string }) {
  return (
    <ul className="mt-1 list-inside list-disc font-mono text-xs">
      {names.map((n) => (
        <li key={n}>
          <Link href={hrefOf(n)} className="text-indigo-700 hover:underline">
            {n}
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** Activate, deactivate, revoke and delete, each with AWS's refusals shown in plain words. */
export function CertificateActions({
  id,
  status,
  policies,
  things,
  mayChangeStatus = true,
  mayRevokeOrDelete = true,
}: {
  id: string;
  status: CertificateStatus;
  /** Activate and deactivate need operator; revoke and delete need admin (the actions check it too). */
  mayChangeStatus?: boolean;
  mayRevokeOrDelete?: boolean;
  /** Undefined when they could not be listed; delete still detaches whatever AWS reports at the time. */
  policies: readonly string[] | undefined;
  things: readonly string[] | undefined;
}) {
  const toast = useToast();
  const [statusState, statusAction] = useActionState<StatusState, FormData>(updateCertificateStatusAction, idle());
  const [revokeState, revokeAction] = useActionState<StatusState, FormData>(updateCertificateStatusAction, idle());
  const [deleteState, deleteAction] = useActionState<DeleteState, FormData>(deleteCertificateAction, idle());
  const [dialog, setDialog] = useState<'revoke' | 'delete' | null>(null);

  useToastOn(statusState);

  useEffect(() => {
    if (revokeState.status === 'success') {
      setDialog(null);
      if (revokeState.message) toast(revokeState.message, 'success');
    }
  }, [revokeState, toast]);

  const shortId = `${id.slice(0, 10)}…`;
  const transfer = status === 'PENDING_TRANSFER';
  const revoked = status === 'REVOKED';

  return (
    <section
      aria-labelledby="actions-heading"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="actions-heading" className="text-sm font-semibold text-slate-900">
        Actions
      </h2>
      {transfer ? (
        <p className="text-sm text-slate-600">
          This certificate is being transferred to another account. Accept, reject or cancel the transfer before
          changing it.
        </p>
      ) : null}
      {revoked ? (
        <p className="text-sm text-slate-600">
          Revoked certificates stay revoked: AWS IoT refuses them for good. You can still delete it.
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        {!transfer && !revoked && status !== 'ACTIVE' && !mayChangeStatus ? (
          <LockedButton label="Activate" need="operator" />
        ) : null}
        {status === 'ACTIVE' && !mayChangeStatus ? <LockedButton label="Deactivate" need="operator" /> : null}
        {!transfer && !revoked && status !== 'ACTIVE' && mayChangeStatus ? (
          <StatusForm
            id={id}
            newStatus="ACTIVE"
            label="Activate"
            pendingLabel="Activating…"
            action={statusAction}
            variant="primary"
          />
        ) : null}
        {status === 'ACTIVE' && mayChangeStatus ? (
          <StatusForm
            id={id}
            newStatus="INACTIVE"
            label="Deactivate"
            pendingLabel="Deactivating…"
            action={statusAction}
          />
        ) : null}
        {!transfer && !revoked ? (
          mayRevokeOrDelete ? (
            <Button variant="secondary" onClick={() => setDialog('revoke')}>
              Revoke…
            </Button>
          ) : (
            <LockedButton label="Revoke…" need="admin" />
          )
        ) : null}
        {!transfer ? (
          mayRevokeOrDelete ? (
            <Button variant="danger" onClick={() => setDialog('delete')}>
              Delete…
            </Button>
          ) : (
            <LockedButton label="Delete…" need="admin" variant="danger" />
          )
        ) : null}
      </div>
      <FormMessage state={statusState} />

      <ConfirmDialog
        open={dialog === 'revoke'}
        onClose={() => setDialog(null)}
        title={`Revoke certificate ${shortId}?`}
      >
        <div className="space-y-2 text-sm text-slate-700">
          <p>
            <strong>Revoking is final.</strong> A REVOKED certificate can never be made ACTIVE again; devices using it
            are refused from now on and need a new certificate.
          </p>
          <p>To stop a device only for a while, deactivate the certificate instead (it can be activated again).</p>
        </div>
        <form action={revokeAction} className="space-y-3">
          <input type="hidden" name="certificateId" value={id} />
          <input type="hidden" name="newStatus" value="REVOKED" />
          <input type="hidden" name="confirmed" value="yes" />
          <FormMessage state={revokeState} />
          <div className="flex justify-end gap-2">
            <CancelButton onClick={() => setDialog(null)} />
            <SubmitButton variant="danger" pendingLabel="Revoking…">
              Revoke certificate
            </SubmitButton>
          </div>
        </form>
      </ConfirmDialog>

      <ConfirmDialog
        open={dialog === 'delete'}
        onClose={() => setDialog(null)}
        title={`Delete certificate ${shortId}?`}
      >
        <div className="space-y-3 text-sm text-slate-700">
          <p>AWS IoT only deletes a certificate that is detached and not ACTIVE, so this will, in order:</p>
          <ol className="list-inside list-decimal space-y-2">
            <li>
              {policies === undefined ? (
                'Detach every policy attached to it.'
              ) : policies.length === 0 ? (
                'Detach policies: none are attached.'
              ) : (
                <>
                  Detach {policies.length} {policies.length === 1 ? 'policy' : 'policies'}:
                  <NameList names={policies} hrefOf={(n) => `/policies/${encodeURIComponent(n)}`} />
                </>
              )}
            </li>
            <li>
              {things === undefined ? (
                'Detach it from every thing.'
              ) : things.length === 0 ? (
                'Detach things: it is attached to none.'
              ) : (
                <>
                  Detach it from {things.length} {things.length === 1 ? 'thing' : 'things'}:
                  <NameList names={things} hrefOf={(n) => `/things/${encodeURIComponent(n)}`} />
                </>
              )}
            </li>
            <li>
              {status === 'ACTIVE' ? 'Set it INACTIVE.' : `Leave its status (${status}); only ACTIVE blocks deletion.`}
            </li>
            <li>Delete the certificate.</li>
          </ol>
          <p>
            Devices using it can no longer connect. The things and policies themselves are kept. This cannot be undone.
          </p>
        </div>
        <form action={deleteAction} className="space-y-3">
          <input type="hidden" name="certificateId" value={id} />
          <input type="hidden" name="confirmed" value="yes" />
          <FormMessage state={deleteState} />
          <div className="flex justify-end gap-2">
            <CancelButton onClick={() => setDialog(null)} />
            <SubmitButton variant="danger" pendingLabel="Deleting…">
              Delete certificate
            </SubmitButton>
          </div>
        </form>
      </ConfirmDialog>
    </section>
  );
}
