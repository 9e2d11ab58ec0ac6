import type { Metadata } from 'next';
import Link from 'next/link';

import { DeleteThingForm } from '@/components/things/delete-thing-form';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/guard';
import { toAppError } from '@/lib/aws/errors';
import { deletionSteps, planThingDeletion, type DeletionPlan } from '@/lib/things/deletion-plan';
import { decodeParam } from '@/lib/forms/search-params';
import { thingName } from '@/lib/validation/iot-names';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Delete thing' };

export default async function DeleteThingPage(props: { params: Promise<{ name: string }> }) {
  const { name: raw } = await props.params;
  const name = decodeParam(raw);
  await requireRole('admin');
  const valid = thingName.safeParse(name).success;

  let plan: DeletionPlan | undefined;
  let problem: string | undefined;
  if (valid) {
    try {
      plan = await planThingDeletion(name);
    } catch (err) {
      problem = toAppError(err).message;
    }
  }

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/things" className="text-indigo-700 hover:underline">
          Things
        </Link>{' '}
        /{' '}
        <Link href={`/things/${encodeURIComponent(name)}`} className="text-indigo-700 hover:underline">
          {name}
        </Link>
      </p>
      <PageHeader
        title={`Delete ${name}`}
        description="Deletes the thing and cleans up its certificates in the order AWS requires."
      />
      {problem ? (
        <Alert
          title="Could not read what is attached to this thing"
          action={<ButtonLink href={`/things/${encodeURIComponent(name)}/delete`}>Try again</ButtonLink>}
        >
          {problem} Nothing was changed.
        </Alert>
      ) : (
        <DeleteThingForm name={name} exists={Boolean(plan?.exists)} steps={plan ? deletionSteps(plan) : []} />
      )}
    </>
  );
}
