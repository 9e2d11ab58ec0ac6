import { PageHeader } from '@/components/ui/page-header';
import { TableSkeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <>
      <PageHeader title="Policies" description="What devices holding a certificate may do in AWS IoT." />
      <TableSkeleton label="Loading policies" />
    </>
  );
}
