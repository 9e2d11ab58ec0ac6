import type { CheckSection } from '@/lib/connection-check/types';

import { CheckStepRow } from './check-step';

/** The static part of the check: one card per section (thing, each certificate, endpoint). */
export function CheckSections({ sections }: { sections: CheckSection[] }) {
  return (
    <div className="space-y-4">
      {sections.map((section) => {
        const headingId = `check-${section.id}`;
        return (
          <section
            key={section.id}
            aria-labelledby={headingId}
            className="rounded-lg border border-slate-200 bg-white px-5 py-4 shadow-sm"
          >
            <h2 id={headingId} className="text-base font-semibold text-slate-900">
              {section.title}
            </h2>
            <ul className="divide-y divide-slate-100">
              {section.steps.map((step) => (
                <CheckStepRow key={step.id} {...step} />
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
