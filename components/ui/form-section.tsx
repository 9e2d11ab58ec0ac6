import type { ReactNode } from 'react';

/** One titled part of a long form (a card with a heading and a line of description). */
export function FormSection({
  title,
  description,
  children,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <div>
        <h2 className="text-base font-semibold text-slate-900">{title}</h2>
        {description ? <div className="mt-0.5 text-sm text-slate-600">{description}</div> : null}
      </div>
      {children}
    </section>
  );
}
