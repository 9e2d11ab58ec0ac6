import type { Metadata } from 'next';
import Link from 'next/link';

import { NewCaWizard } from '@/components/cas/new-ca-wizard';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/guard';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Register a CA' };

export default async function NewCaPage() {
  await requireRole('admin');
  return (
    <>
      <PageHeader
        title="Register a CA"
        description={
          <>
            AWS IoT trusts a CA once you prove you hold its key: a verification certificate whose name is your account’s
            registration code, signed by the CA. This page makes it in your browser.{' '}
            <Link href="/cas" className="text-indigo-700 hover:underline">
              Back to CAs
            </Link>
          </>
        }
      />
      <NewCaWizard />
    </>
  );
}
