import { CertificatesTableSkeleton } from '@/components/certificates/certificates-table-skeleton';
import { PageHeader } from '@/components/ui/page-header';

export default function Loading() {
  return (
    <>
      <PageHeader
        title="Certificates"
        description="Device certificates registered in AWS IoT. Only ACTIVE certificates can connect."
      />
      <CertificatesTableSkeleton />
    </>
  );
}
