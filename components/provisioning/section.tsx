import type { ReactNode } from 'react';

/** One titled section of the template page. */
export function Section({
  title,
  id,
  children,
  description,
}: {
  title: string;
  id: string;
  children: ReactNode;
  description?: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="space-y-3">
      <div>
        <h2 id={id} className="text-lg font-semibold text-slate-900">
          {title}
        </h2>
        {description ? <p className="text-sm text-slate-600">{description}</p> : null}
      </div>
      {children}
    </section>
  );
}
