import { Skeleton } from '@/components/ui/skeleton';

export function PoliciesTableSkeleton({ rows = 5 }: { rows?: number }) {
  return (
    <div
      role="status"
      aria-label="Loading policies"
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
