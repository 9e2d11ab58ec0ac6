import type { Metadata } from 'next';

import { CreateThingForm, type CreateThingOptions } from '@/components/things/create-thing-form';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/guard';
import { toAppError } from '@/lib/aws/errors';
import { listThingGroups, listThingTypes } from '@/lib/aws/thing-groups';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Create thing' };

export default async function NewThingPage() {
  await requireRole('operator');
  const [types, groups] = await Promise.allSettled([listThingTypes(), listThingGroups()]);
  const problems = [types, groups].flatMap((r) => (r.status === 'rejected' ? [toAppError(r.reason).message] : []));
  const options: CreateThingOptions = {
    types: types.status === 'fulfilled' ? types.value : [],
    groups: groups.status === 'fulfilled' ? groups.value : [],
    problem: problems.length ? `Could not list thing types or groups: ${problems[0]}` : undefined,
  };
  return (
    <>
      <PageHeader title="Create thing" description="Register one device in the AWS IoT thing registry." />
      <CreateThingForm options={options} />
    </>
  );
}
