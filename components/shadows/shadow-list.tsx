import Link from 'next/link';

import { cn } from '@/components/ui/cn';

const shadowHref = (thingName: string, shadowName?: string) =>
  `/things/${encodeURIComponent(thingName)}/shadow${shadowName ? `?shadow=${encodeURIComponent(shadowName)}` : ''}`;

/** The thing's shadows: the classic one, then the named ones; the selected one is marked as current. */
export function ShadowList({
  thingName,
  names,
  selected,
  truncated,
  error,
}: {
  thingName: string;
  names: readonly string[];
  selected?: string;
  truncated?: boolean;
  error?: string;
}) {
  const item = (label: string, shadowName: string | undefined, hint?: string) => {
    const current = (selected ?? '') === (shadowName ?? '');
    return (
      <li key={shadowName ?? ''}>
        <Link
          href={shadowHref(thingName, shadowName)}
          aria-current={current ? 'page' : undefined}
          className={cn(
            'block truncate rounded-md px-3 py-1.5 text-sm',
            current ? 'bg-indigo-50 font-medium text-indigo-800' : 'text-slate-700 hover:bg-slate-100',
          )}
          title={hint ?? label}
        >
          {label}
        </Link>
      </li>
    );
  };
  return (
    <nav aria-label="Shadows">
      <ul className="space-y-0.5">
        {item('Classic shadow', undefined, 'The unnamed shadow every thing can have')}
        {names.map((n) => item(n, n))}
      </ul>
      {names.length === 0 && !error ? <p className="mt-2 px-3 text-xs text-slate-500">No named shadows.</p> : null}
      {truncated ? (
        <p className="mt-2 px-3 text-xs text-slate-500">Only the first {names.length} named shadows are listed.</p>
      ) : null}
      {error ? (
        <p role="alert" className="mt-2 px-3 text-xs text-red-700">
          Could not list named shadows: {error}
        </p>
      ) : null}
    </nav>
  );
}
