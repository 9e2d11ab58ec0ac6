import { PageHeader } from '@/components/ui/page-header';
import { TableSkeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <>
      <PageHeader title="Things" description="Devices registered in the AWS IoT thing registry." />
      <TableSkeleton label="Loading things" />
    </>
  );
}
