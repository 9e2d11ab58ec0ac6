import { cn } from '@/components/ui/cn';

const base = 'inline-flex items-center rounded-md px-2 py-0.5 font-mono text-xs font-medium ring-1 ring-inset';

/** A CA's status: only an ACTIVE CA vouches for devices (and auto-registers them). */
export function CaStatusBadge({ status }: { status: 'ACTIVE' | 'INACTIVE' }) {
  return (
    <span
      data-status={status}
      className={cn(
        base,
        status === 'ACTIVE'
          ? 'bg-emerald-50 text-emerald-800 ring-emerald-600/20'
          : 'bg-slate-100 text-slate-700 ring-slate-500/20',
      )}
    >
      {status}
    </span>
  );
}

export function OnOffBadge({
  on,
  onLabel = 'On',
  offLabel = 'Off',
}: {
  on: boolean;
  onLabel?: string;
  offLabel?: string;
}) {
  return (
    <span
      className={cn(
        base,
        'font-sans',
        on ? 'bg-indigo-50 text-indigo-800 ring-indigo-600/20' : 'bg-slate-50 text-slate-600 ring-slate-400/20',
      )}
    >
      {on ? onLabel : offLabel}
    </span>
  );
}
