import { cn } from '@/components/ui/cn';
import type { DeletionStep, DeletionStepResult } from '@/lib/things/deletion-plan';

const MARK: Record<DeletionStepResult['status'] | 'planned', { text: string; className: string }> = {
  planned: { text: 'To do', className: 'bg-slate-100 text-slate-700' },
  done: { text: 'Done', className: 'bg-emerald-100 text-emerald-800' },
  failed: { text: 'Failed', className: 'bg-red-100 text-red-800' },
  not_started: { text: 'Not started', className: 'bg-amber-100 text-amber-900' },
};

/** The clean-up steps in AWS's order: planned (before confirming) or with their outcome (after). */
export function DeletionSteps({ steps, label }: { steps: (DeletionStep | DeletionStepResult)[]; label: string }) {
  return (
    <ol aria-label={label} className="space-y-2">
      {steps.map((step, i) => {
        const status = 'status' in step ? step.status : 'planned';
        const mark = MARK[status];
        return (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: the steps are a fixed sequence, never reordered.
            key={`${i}-${step.label}`}
            className="flex items-start gap-3 rounded-md border border-slate-200 bg-white px-3 py-2 text-sm"
          >
            <span className="w-5 shrink-0 text-right text-slate-400 tabular-nums">{i + 1}.</span>
            <div className="min-w-0 flex-1">
              <p className="text-slate-900">{step.label}</p>
              {'detail' in step && step.detail ? <p className="mt-0.5 text-xs text-slate-600">{step.detail}</p> : null}
            </div>
            <span className={cn('shrink-0 rounded px-1.5 py-0.5 text-xs font-medium', mark.className)}>
              {mark.text}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
