import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Fragment, type ReactNode } from 'react';

import { ResourceHistory } from '@/components/audit/resource-history';
import { AddToGroupForm } from '@/components/things/add-to-group-form';
import { EditAttributesForm } from '@/components/things/edit-attributes-form';
import { FlashToast } from '@/components/things/flash-toast';
import { ThingCertificates } from '@/components/things/thing-certificates';
import { Alert } from '@/components/ui/alert';
import { ButtonLink, buttonClasses } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { PageHeader } from '@/components/ui/page-header';
import { IfRole, RoleGate } from '@/components/console/role-gate';
import { may, requireRole } from '@/lib/auth/guard';
import { AppError, toAppError } from '@/lib/aws/errors';
import { listGroupsOfThing, listThingGroups } from '@/lib/aws/thing-groups';
import { describeThing, describeThingPrincipals, type ThingDetail } from '@/lib/aws/things';
import { decodeParam } from '@/lib/forms/search-params';
import { thingName } from '@/lib/validation/iot-names';

export const dynamic = 'force-dynamic';

export async function generateMetadata(props: { params: Promise<{ name: string }> }): Promise<Metadata> {
  const { name } = await props.params;
  return { title: decodeParam(name) };
}

type Params = {
  params: Promise<{ name: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <section aria-labelledby={id} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
        <h2 id={id} className="text-base font-semibold text-slate-900">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

const settle = <T,>(p: Promise<T>) =>
  p.then(
    (value) => ({ value }),
    (err: unknown) => ({ error: toAppError(err) }),
  );

export default async function ThingPage(props: Params) {
  const { name: raw } = await props.params;
  const name = decodeParam(raw);
  const path = `/things/${encodeURIComponent(name)}`;
  const operator = await requireRole('viewer');
  if (!thingName.safeParse(name).success) notFound();
  const searchParams = await props.searchParams;

  let thing: ThingDetail;
  try {
    thing = await describeThing(name);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') notFound();
    return (
      <>
        <PageHeader title={name} />
        <Alert title="Could not load this thing" action={<ButtonLink href={path}>Try again</ButtonLink>}>
          {toAppError(err).message}
        </Alert>
      </>
    );
  }

  const [groups, allGroups, principals] = await Promise.all([
    settle(listGroupsOfThing(name)),
    settle(listThingGroups()),
    settle(describeThingPrincipals(name)),
  ]);

  return (
    <>
      {searchParams.created ? <FlashToast message={`Thing "${name}" created.`} /> : null}
      <p className="mb-2 text-sm">
        <Link href="/things" className="text-indigo-700 hover:underline">
          Things
        </Link>{' '}
        / {name}
      </p>
      <PageHeader
        title={name}
        description={thing.typeName ? `Thing type ${thing.typeName}` : 'No thing type'}
        actions={
          <>
            <ButtonLink href={`${path}/check`}>Connection check</ButtonLink>
            <ButtonLink href={`${path}/shadow`}>Shadow</ButtonLink>
            {/* A download from a route handler: a plain link, not a client-side navigation. */}
            <IfRole role={operator.role} need="operator" label="Credentials bundle">
              <a href={`/api/things/${encodeURIComponent(name)}/bundle`} className={buttonClasses('secondary')}>
                Credentials bundle
              </a>
            </IfRole>
            <IfRole role={operator.role} need="admin" label="Delete…" variant="danger">
              <ButtonLink href={`${path}/delete`} variant="danger">
                Delete…
              </ButtonLink>
            </IfRole>
          </>
        }
      />
      <div className="space-y-6">
        <Section title="Details">
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
            <dt className="text-slate-500">ARN</dt>
            <dd className="flex items-center gap-2 font-mono text-xs break-all">
              {thing.arn ?? '—'}
              {thing.arn ? <CopyButton text={thing.arn} label="Copy ARN" /> : null}
            </dd>
            <dt className="text-slate-500">Thing ID</dt>
            <dd className="font-mono text-xs">{thing.id ?? '—'}</dd>
            <dt className="text-slate-500">Thing type</dt>
            <dd>{thing.typeName ?? 'None'}</dd>
            <dt className="text-slate-500">Version</dt>
            <dd className="tabular-nums">{thing.version}</dd>
            {thing.billingGroupName ? (
              <>
                <dt className="text-slate-500">Billing group</dt>
                <dd>{thing.billingGroupName}</dd>
              </>
            ) : null}
          </dl>
        </Section>

        <Section title="Attributes">
          {may(operator, 'operator') ? (
            <EditAttributesForm
              name={name}
              version={thing.version}
              typeName={thing.typeName}
              attributes={thing.attributes}
            />
          ) : (
            <div className="space-y-2">
              <dl aria-label="Attributes" className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
                {Object.entries(thing.attributes).map(([k, v]) => (
                  <Fragment key={k}>
                    <dt className="text-slate-500">{k}</dt>
                    <dd>{v}</dd>
                  </Fragment>
                ))}
              </dl>
              <p className="text-sm text-slate-500" data-needs-role="operator">
                Editing attributes needs operator; your role is {operator.role}.
              </p>
            </div>
          )}
        </Section>

        <Section title="Thing groups">
          {'error' in groups ? (
            <Alert title="Could not list the groups">{groups.error.message}</Alert>
          ) : (
            <div className="space-y-4">
              {groups.value.length ? (
                <ul aria-label="Groups of this thing" className="flex flex-wrap gap-2">
                  {groups.value.map((g) => (
                    <li key={g} className="rounded-full bg-slate-100 px-2.5 py-0.5 text-sm text-slate-800">
                      {g}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-sm text-slate-500">This thing is in no group.</p>
              )}
              {'error' in allGroups ? null : (
                <RoleGate role={operator.role} need="operator" what="Adding the thing to a group">
                  <AddToGroupForm name={name} groups={allGroups.value.filter((g) => !groups.value.includes(g))} />
                </RoleGate>
              )}
            </div>
          )}
        </Section>

        <Section title="Certificates">
          {'error' in principals ? (
            <Alert title="Could not list the certificates" action={<ButtonLink href={path}>Try again</ButtonLink>}>
              {principals.error.message}
            </Alert>
          ) : (
            <ThingCertificates principals={principals.value} />
          )}
        </Section>

        <ResourceHistory resource={name} {...(thing.arn ? { arn: thing.arn } : {})} what="thing" />
      </div>
    </>
  );
}
