import type { Metadata } from 'next';

import { CreateTemplateForm } from '@/components/provisioning/create-template-form';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/guard';
import { readIotConfig } from '@/lib/aws/config';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'New provisioning template' };

export default async function NewProvisioningTemplatePage() {
  await requireRole('admin');
  const { mode, region } = readIotConfig();
  return (
    <>
      <PageHeader
        title="New provisioning template"
        description="What AWS IoT creates for each device that provisions itself: its thing, its certificate's status and its policy."
      />
      <CreateTemplateForm mode={mode} region={region} />
    </>
  );
}
