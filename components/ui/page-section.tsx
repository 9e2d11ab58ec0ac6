import type { ReactNode } from 'react';

import { cn } from './cn';

/**
 * One titled section of a detail page (a policy's versions, a template's claims, a CA's settings), labelled by its
 * heading for screen readers. `card` puts it on a white panel, for pages whose sections stand apart.
 */
export function PageSection({
  title,
  id,
  children,
  description,
  card = false,
}: {
  title: string;
  id: string;
  children: ReactNode;
  description?: ReactNode;
  card?: boolean;
}) {
  return (
    <section
      aria-labelledby={id}
      className={cn('space-y-3', card && 'rounded-lg border border-slate-200 bg-white p-5')}
    >
      <div>
        <h2 id={id} className={cn('font-semibold text-slate-900', card ? 'text-base' : 'text-lg')}>
          {title}
        </h2>
        {description ? <div className="mt-1 text-sm text-slate-600">{description}</div> : null}
      </div>
      {children}
    </section>
  );
}
