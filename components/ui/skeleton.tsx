import { cn } from './cn';

export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cn('animate-pulse rounded bg-slate-200', className)} />;
}

/** The placeholder of a table while its page loads: announced as `label` (e.g. "Loading things"). */
export function TableSkeleton({ label, rows = 5 }: { label: string; rows?: number }) {
  return (
    <div
      role="status"
      aria-busy="true"
      aria-label={label}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <Skeleton className="mb-4 h-4 w-1/3" />
      <div className="flex flex-col gap-3">
        {Array.from({ length: rows }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows never reorder.
          <Skeleton key={i} className="h-6 w-full" />
        ))}
      </div>
    </div>
  );
}
