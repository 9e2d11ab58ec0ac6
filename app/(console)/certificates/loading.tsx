import { PageHeader } from '@/components/ui/page-header';
import { TableSkeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <>
      <PageHeader
        title="Certificates"
        description="Device certificates registered in AWS IoT. Only ACTIVE certificates can connect."
      />
      <TableSkeleton label="Loading certificates" rows={6} />
    </>
  );
}
