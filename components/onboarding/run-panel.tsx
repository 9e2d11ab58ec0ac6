'use client';

import type { RunView } from '@/lib/onboarding/run';

import { OnboardingFailure } from './onboarding-failure';
import { StepList } from './step-list';

/** Beside the form: what a run will do before it starts, its steps while it runs, and a failure's report. */
export function RunPanel({ run }: { run: RunView | undefined }) {
  return (
    <div className="space-y-4">
      {run?.phase === 'failed' ? <OnboardingFailure run={run} /> : null}
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
