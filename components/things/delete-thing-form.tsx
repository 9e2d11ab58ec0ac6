'use client';

import { useActionState } from 'react';

import { deleteThingAction } from '@/app/(console)/things/actions';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { SubmitButton, TextField } from '@/components/ui/form';
import { idle, type ActionState } from '@/lib/forms/action-state';
import type { DeletionReport, DeletionStep } from '@/lib/things/deletion-plan';

import { DeletionSteps } from './deletion-steps';

/**
 * The confirm step of "Delete…": the planned steps, a field to type the thing name, and afterwards the
 * report of what was done. A failed run says which step failed and what is left, and offers a retry
 * that picks up from there (certificates it already detached travel along in `pending`).
 */
export function DeleteThingForm({ name, exists, steps }: { name: string; exists: boolean; steps: DeletionStep[] }) {
  const [state, action] = useActionState<ActionState<DeletionReport>, FormData>(deleteThingAction, idle());
  const report = state.data;

  if (report?.ok) {
    return (
      <div className="space-y-4">
        <Alert tone="info" title={`Thing "${name}" was deleted`}>
          Every step below completed.
        </Alert>
        <DeletionSteps steps={report.steps} label="What was done" />
        <ButtonLink href="/things" variant="primary">
          Back to things
        </ButtonLink>
      </div>
    );
  }

  if (report && !report.ok) {
    return (
      <div className="space-y-4">
        <Alert title="Deletion stopped">
          <p>
            Step failed: <strong>{report.failure?.step}</strong>
          </p>
          <p className="mt-1">{report.failure?.message}</p>
        </Alert>
        <DeletionSteps steps={report.steps} label="What was done" />
        {report.leftOver.length ? (
          <section
            aria-label="What is left"
            className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
          >
            <h2 className="font-semibold">What is left</h2>
            <ul className="mt-1 list-disc pl-5">
              {report.leftOver.map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          </section>
        ) : null}
        <form action={action} className="flex gap-2">
          <input type="hidden" name="name" value={name} />
          <input type="hidden" name="confirm" value={name} />
          {report.pendingCertificateIds.map((id) => (
            <input key={id} type="hidden" name="pending" value={id} />
          ))}
          <SubmitButton variant="danger" pendingLabel="Retrying…">
            Retry
          </SubmitButton>
          <ButtonLink href={`/things/${encodeURIComponent(name)}`} variant="ghost">
            Back to the thing
          </ButtonLink>
        </form>
      </div>
    );
  }

  if (!exists) {
    return (
      <Alert
        tone="info"
        title={`There is no thing named "${name}"`}
        action={<ButtonLink href="/things">Back to things</ButtonLink>}
      >
        It may have been deleted already.
      </Alert>
    );
  }

  return (
    <div className="space-y-6">
      <section aria-labelledby="plan-heading" className="space-y-3">
        <h2 id="plan-heading" className="text-base font-semibold text-slate-900">
          What will happen, in this order
        </h2>
        <DeletionSteps steps={steps} label="Planned steps" />
        <p className="text-xs text-slate-500">
          Certificates used by no other thing are deleted (AWS requires: detach policies, deactivate, delete).
          Certificates shared with other things are only detached. Policies themselves are never deleted.
        </p>
      </section>
      <form action={action} className="max-w-md space-y-4" noValidate>
        <input type="hidden" name="name" value={name} />
        <TextField
          name="confirm"
          label={`Type ${name} to confirm`}
          defaultValue={state.values?.confirm ?? ''}
          errors={state.fieldErrors?.confirm}
          autoComplete="off"
          spellCheck={false}
        />
        {state.status === 'invalid' && !state.fieldErrors?.confirm ? (
          <p role="alert" className="text-sm text-red-700">
            {state.message}
          </p>
        ) : null}
        <div className="flex gap-2">
          <SubmitButton variant="danger" pendingLabel="Deleting…">
            Delete thing
          </SubmitButton>
          <ButtonLink href={`/things/${encodeURIComponent(name)}`} variant="ghost">
            Cancel
          </ButtonLink>
        </div>
      </form>
    </div>
  );
}
