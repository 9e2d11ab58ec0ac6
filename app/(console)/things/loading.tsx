import { ThingsTableSkeleton } from '@/components/things/things-table-skeleton';
import { PageHeader } from '@/components/ui/page-header';

export default function Loading() {
  return (
    <>
      <PageHeader title="Things" description="Devices registered in the AWS IoT thing registry." />
      <ThingsTableSkeleton />
    </>
  );
}
