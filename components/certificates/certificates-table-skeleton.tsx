import { Skeleton } from '@/components/ui/skeleton';

export function CertificatesTableSkeleton() {
  return (
    <div
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      role="status"
      aria-busy="true"
      aria-label="Loading certificates"
    >
      {Array.from({ length: 6 }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows never reorder.
        <Skeleton key={i} className="h-6 w-full" />
      ))}
    </div>
  );
}
