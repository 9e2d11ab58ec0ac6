import { PoliciesTableSkeleton } from '@/components/policies/policies-table-skeleton';
import { PageHeader } from '@/components/ui/page-header';

export default function Loading() {
  return (
    <>
      <PageHeader title="Policies" description="What devices holding a certificate may do in AWS IoT." />
      <PoliciesTableSkeleton />
    </>
  );
}
