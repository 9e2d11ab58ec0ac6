import { Alert } from '@/components/ui/alert';
import { describeCreated, type RunView } from '@/lib/onboarding/run';

import { StepList } from './step-list';

/** Beside the form: what a run will do, then its steps as they happen, and what a failure removed again. */
export function RunPanel({ run }: { run: RunView | undefined }) {
  const failure = run?.phase === 'failed' ? run.failure : undefined;
  return (
    <div className="space-y-4">
      {failure ? (
        <section aria-label="Onboarding failure">
          <Alert title={`Onboarding failed at: ${failure.stepLabel}`}>
            <p>{failure.message}</p>
            <p className="mt-2">{failure.advice}</p>
            {run?.rollback && (run.rollback.undone.length > 0 || run.rollback.left.length > 0) ? (
              <ul className="mt-2 list-disc pl-5 text-xs">
                {run.rollback.undone.map((c) => (
                  <li key={`u-${describeCreated(c)}`}>Removed: {describeCreated(c)}</li>
                ))}
                {run.rollback.left.map((l) => (
                  <li key={`l-${describeCreated(l.item)}`}>
                    Still there: {describeCreated(l.item)} ({l.message})
                  </li>
                ))}
              </ul>
            ) : null}
          </Alert>
        </section>
      ) : null}
      {run ? (
        <StepList view={run} />
      ) : (
        <aside className="rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-600">
          <p className="font-medium text-slate-800">What happens</p>
          <ol className="mt-2 list-decimal space-y-1 pl-5">
            <li>Create the thing</li>
            <li>Issue or register the certificate (active)</li>
            <li>Create the policy (from a template) and attach it to the certificate</li>
            <li>Attach the certificate to the thing</li>
            <li>Download the credential bundle, made in this browser</li>
          </ol>
          <p className="mt-2">If a step fails, everything this run made is removed again, newest first.</p>
        </aside>
      )}
    </div>
  );
}
