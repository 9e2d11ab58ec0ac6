import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';

import { ShadowWorkspace } from '@/components/shadows/shadow-workspace';
import { FlashToast } from '@/components/things/flash-toast';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { may, requireRole } from '@/lib/auth/guard';
import { AppError, toAppError } from '@/lib/aws/errors';
import { getShadow, listNamedShadows, type NamedShadowList, type ShadowLookup } from '@/lib/aws/shadows';
import { describeThing } from '@/lib/aws/things';
import { shadowName as shadowNameSchema } from '@/lib/shadows/desired';
import { NO_SHADOW, type ShadowView } from '@/lib/shadows/view';
import { thingName as thingNameSchema } from '@/lib/validation/iot-names';
import { decodeParam, firstParam, type SearchParams } from '@/lib/forms/search-params';

// Live device state: read on every request, never cached.
export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<SearchParams> };

export async function generateMetadata(props: Props): Promise<Metadata> {
  const { name } = await props.params;
  return { title: `Shadow · ${decodeParam(name)}` };
}

function toView(lookup: ShadowLookup): ShadowView {
  if (!lookup.exists) return NO_SHADOW;
  const { state, metadata, version, timestamp } = lookup.shadow;
  return { exists: true, state, metadata, version, timestamp };
}

export default async function ShadowPage(props: Props) {
  const { name: raw } = await props.params;
  const thingName = decodeParam(raw);
  const thingPath = `/things/${encodeURIComponent(thingName)}`;
  const searchParams = await props.searchParams;
  const requested = firstParam(searchParams.shadow);
  const operator = await requireRole('viewer');
  if (!thingNameSchema.safeParse(thingName).success) notFound();

  const back = (
    <p className="mb-2 text-sm">
      <Link href={thingPath} className="text-indigo-700 hover:underline">
        ← {thingName}
      </Link>
    </p>
  );
  const header = (
    <PageHeader
      title={`Shadows of ${thingName}`}
      description="What the device reports, what it is asked to do (desired), and what is still to do (delta), updated live."
    />
  );

  let shadowName: string | undefined;
  if (requested) {
    const parsed = shadowNameSchema.safeParse(requested);
    if (!parsed.success) {
      return (
        <>
          {back}
          {header}
          <Alert
            title="Not a valid shadow name"
            action={<ButtonLink href={`${thingPath}/shadow`}>Open the classic shadow</ButtonLink>}
          >
            &quot;{requested}&quot;: {parsed.error.issues[0]?.message}
          </Alert>
        </>
      );
    }
    shadowName = parsed.data;
  }

  const selfPath = `${thingPath}/shadow${shadowName ? `?shadow=${encodeURIComponent(shadowName)}` : ''}`;
  let lookup: ShadowLookup;
  let named: NamedShadowList | undefined;
  let namedError: string | undefined;
  try {
    const [, shadow, list] = await Promise.all([
      describeThing(thingName),
      getShadow({ thingName, shadowName }),
      listNamedShadows(thingName).then(
        (value) => ({ value }),
        (err: unknown) => ({ error: toAppError(err).message }),
      ),
    ]);
    lookup = shadow;
    if ('value' in list) named = list.value;
    else namedError = list.error;
  } catch (err) {
    // Shadows are read through getShadow (a missing one is a result), so not-found here is the thing itself.
    if (err instanceof AppError && err.code === 'not_found') notFound();
    return (
      <>
        {back}
        {header}
        <Alert title="Could not load the shadow" action={<ButtonLink href={selfPath}>Try again</ButtonLink>}>
          {toAppError(err).message}
        </Alert>
      </>
    );
  }

  const created = firstParam(searchParams.created);
  const deleted = firstParam(searchParams.deleted);
  return (
    <>
      {created ? <FlashToast message={shadowName ? `Shadow "${shadowName}" created.` : 'Shadow created.'} /> : null}
      {deleted ? <FlashToast message={`${deleted.slice(0, 100)} deleted.`} param="deleted" /> : null}
      {back}
      {header}
      <ShadowWorkspace
        thingName={thingName}
        shadowName={shadowName}
        initialView={toView(lookup)}
        namedShadows={named?.names ?? []}
        namedTruncated={named?.truncated ?? false}
        namedError={namedError}
        renderedAt={Date.now()}
        mayEdit={may(operator, 'operator')}
        mayDelete={may(operator, 'admin')}
      />
    </>
  );
}
