import { Skeleton } from '@/components/ui/skeleton';

export function CertificatesTableSkeleton() {
  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-busy="true" aria-label="Loading certificates">
      {Array.from({ length: 6 }, (_, i) => (
        <Skeleton key={i} className="h-6 w-full" />
      ))}
    </div>
  );
}
