import { cn } from '@/components/ui/cn';
import type { RunView, StepStatus } from '@/lib/onboarding/run';

const STATUS_TEXT: Record<StepStatus, string> = {
  pending: 'Pending',
  running: 'Running…',
  done: 'Done',
  failed: 'Failed',
  undone: 'Undone',
  left: 'Left behind',
};

const STATUS_CLASS: Record<StepStatus, string> = {
  pending: 'bg-slate-100 text-slate-600',
  running: 'bg-indigo-100 text-indigo-800',
  done: 'bg-emerald-100 text-emerald-800',
  failed: 'bg-red-100 text-red-800',
  undone: 'bg-amber-100 text-amber-900',
  left: 'bg-red-600 text-white',
};

const ICON: Record<StepStatus, string> = {
  pending: '○',
  running: '◌',
  done: '✓',
  failed: '✕',
  undone: '↺',
  left: '!',
};

const PHASE_TEXT: Record<RunView['phase'], string> = {
  running: 'Onboarding…',
  'rolling-back': 'A step failed: removing what this run made…',
  succeeded: 'All steps done.',
  failed: 'Onboarding failed.',
};

/** The run's steps, each with its status and what it made (or why it failed). A polite live region. */
export function StepList({ view }: { view: RunView }) {
  return (
    <section
      aria-labelledby="onboarding-progress-title"
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="onboarding-progress-title" className="text-sm font-semibold text-slate-900">
        Progress
      </h2>
      <p aria-live="polite" className="mt-1 text-sm text-slate-600">
        {PHASE_TEXT[view.phase]}
      </p>
      <ol aria-label="Onboarding progress" className="mt-3 space-y-2">
        {view.steps.map((step) => (
          <li key={step.id} data-step={step.id} data-status={step.status} className="flex items-start gap-3">
            <span
              aria-hidden="true"
              className={cn(
                'mt-0.5 inline-flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs',
                STATUS_CLASS[step.status],
                step.status === 'running' && 'animate-pulse',
              )}
            >
              {ICON[step.status]}
            </span>
            <div className="min-w-0 flex-1">
              <p className="text-sm text-slate-900">
                {step.label}{' '}
                <span className={cn('ml-1 rounded px-1.5 py-0.5 text-xs font-medium', STATUS_CLASS[step.status])}>
                  {STATUS_TEXT[step.status]}
                </span>
              </p>
              {step.detail ? <p className="mt-0.5 break-words text-xs text-slate-600">{step.detail}</p> : null}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
