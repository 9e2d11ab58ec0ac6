'use client';

import { Alert } from '@/components/ui/alert';
import { describeCreated, type RunView } from '@/lib/onboarding/run';

/** Which step failed, why, what to do, and what the rollback removed or could not. */
export function OnboardingFailure({ run }: { run: RunView }) {
  const failure = run.failure;
  if (!failure) return null;
  return (
    <section aria-label="Onboarding failure">
      <Alert title={`Onboarding failed at: ${failure.stepLabel}`}>
        <p>{failure.message}</p>
        <p className="mt-2">{failure.advice}</p>
        {run.rollback && (run.rollback.undone.length > 0 || run.rollback.left.length > 0) ? (
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
  );
}
