import type { Metadata } from 'next';
import Link from 'next/link';

import { RegisterCertificateForm } from '@/components/certificates/register-certificate-form';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/guard';

export const metadata: Metadata = { title: 'Register a certificate' };

export default async function RegisterCertificatePage() {
  await requireRole('operator');
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/certificates" className="text-indigo-700 hover:underline">
          Certificates
        </Link>
      </nav>
      <PageHeader
        title="Register a certificate"
        description="Add a certificate you already have (made with openssl, your PKI or a device vendor) so a device can connect with it. The private key never leaves you."
      />
      <RegisterCertificateForm />
    </>
  );
}
