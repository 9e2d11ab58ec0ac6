import type { Metadata } from 'next';
import Link from 'next/link';

import { ThingsFilters } from '@/components/things/things-filters';
import { ThingsTable } from '@/components/things/things-table';
import { ButtonLink } from '@/components/ui/button';
import { Code } from '@/components/ui/code';
import { EmptyState } from '@/components/ui/empty-state';
import { LoadFailure } from '@/components/ui/load-failure';
import { PageHeader } from '@/components/ui/page-header';
import { IfRole } from '@/components/console/role-gate';
import { requireRole } from '@/lib/auth/guard';
import { fleetStatus } from '@/lib/fleet/status';
import { formatAbsolute, formatRelative } from '@/lib/format/relative-time';
import { describeControlEndpoint, readIotConfig } from '@/lib/aws/config';
import { AppError, toAppError } from '@/lib/aws/errors';
import { listThingGroups, listThingTypes } from '@/lib/aws/thing-groups';
import type { SearchParams } from '@/lib/forms/search-params';
import { loadThingsListing } from '@/lib/things/listing';
import { hasFilters, parseThingsQuery, thingsHref } from '@/lib/things/query';

// Live registry data: render on every request, never from a build-time snapshot.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Things' };

/** The CLI line that would create a thing against the current target: the quickest way out of the empty state. */
function createThingHint(): string {
  try {
    const config = readIotConfig();
    return config.mode === 'local'
      ? `aws --endpoint-url ${describeControlEndpoint(config)} iot create-thing --thing-name my-device`
      : `aws iot create-thing --region ${config.region} --thing-name my-device`;
  } catch {
    return 'aws iot create-thing --thing-name my-device';
  }
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** How long the list waits for the fleet status; past it the page renders without the column rather than late. */
const PRESENCE_DEADLINE_MS = 2000;

/**
 * Connected / disconnected and last seen, from fleet indexing when the account has connectivity indexing on,
 * else from the presence events the dashboard's tracker hears (lib/fleet/status.ts). Undefined when neither
 * can answer, or not in time.
 */
async function loadFleetStatus(names: string[]) {
  const deadline = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), PRESENCE_DEADLINE_MS));
  return Promise.race([fleetStatus(names).catch(() => undefined), deadline]);
}

function ageText(builtAt: number): string {
  const s = Math.max(0, Math.round((Date.now() - builtAt) / 1000));
  return s < 2 ? 'just now' : `${s} s ago`;
}

export default async function ThingsPage(props: { searchParams: Promise<SearchParams> }) {
  const operator = await requireRole('viewer');
  const searchParams = await props.searchParams;
  const { query, errors } = parseThingsQuery(searchParams);
  const invalid = Object.keys(errors).length > 0;

  const [listing, types, groups] = await Promise.all([
    invalid ? Promise.resolve(undefined) : loadThingsListing(query).catch((err: unknown): AppError => toAppError(err)),
    // The filter choices are a convenience: if they cannot be read, the list still works.
    listThingTypes()
      .then((ts) => ts.map((t) => t.name))
      .catch(() => [] as string[]),
    listThingGroups().catch(() => [] as string[]),
  ]);

  const here = thingsHref(query, { nextToken: query.nextToken, page: query.page > 1 ? String(query.page) : undefined });
  const filtered = hasFilters(query);
  const fleet =
    listing && !(listing instanceof AppError) ? await loadFleetStatus(listing.things.map((t) => t.name)) : undefined;
  const now = Date.now();

  return (
    <>
      <PageHeader
        title="Things"
        description={
          fleet ? (
            <>
              Devices registered in the AWS IoT thing registry ·{' '}
              <span role="status" aria-label="Fleet status">
                <strong className="text-emerald-700">{fleet.counts.connected} connected</strong>,{' '}
                {fleet.counts.disconnected} disconnected
                {fleet.source === 'fleet-indexing' ? (
                  <span> (from fleet indexing)</span>
                ) : fleet.since ? (
                  <span title={formatAbsolute(fleet.since)}> (tracking since {formatRelative(fleet.since, now)})</span>
                ) : null}
              </span>
            </>
          ) : (
            'Devices registered in the AWS IoT thing registry.'
          )
        }
        actions={
          <IfRole role={operator.role} need="operator" label="Create thing" variant="primary">
            <ButtonLink href="/things/new" variant="primary">
              Create thing
            </ButtonLink>
          </IfRole>
        }
      />
      <ThingsFilters
        values={{ q: query.prefix, type: query.typeName, group: query.groupName, attr: query.attribute }}
        errors={errors}
        types={types}
        groups={groups}
      />
      {invalid ? (
        <p className="text-sm text-slate-600">Correct the search above to see things.</p>
      ) : listing instanceof AppError ? (
        <LoadFailure
          error={listing}
          what="things"
          retryHref={here}
          firstPageHref={query.nextToken || query.page > 1 ? thingsHref(query) : undefined}
        />
      ) : listing && listing.things.length === 0 && !filtered && !query.nextToken ? (
        <EmptyState
          title="No things yet"
          action={
            <IfRole role={operator.role} need="operator" label="Create thing" variant="primary">
              <ButtonLink href="/things/new" variant="primary">
                Create thing
              </ButtonLink>
            </IfRole>
          }
        >
          <p>A thing is the registry entry for one device. Create one here, or from the command line, for example:</p>
          <p className="mt-3">
            <Code>{createThingHint()}</Code>
          </p>
        </EmptyState>
      ) : listing && listing.things.length === 0 ? (
        <EmptyState title="No things match" action={<ButtonLink href="/things">Clear the search</ButtonLink>}>
          <p>
            No thing matches these filters
            {listing.kind === 'indexed' ? ` among the ${plural(listing.searched, 'thing', 'things')} searched` : ''}.
            Try a shorter name prefix or fewer filters.
          </p>
          {listing.kind === 'indexed' ? (
            <p className="mt-2 text-xs">
              Registry read {ageText(listing.builtAt)}; things created outside this dashboard since then are not
              searched yet.{' '}
              <Link className="underline" href={thingsHref(query, { refresh: '1' })} prefetch={false}>
                Refresh
              </Link>
            </p>
          ) : null}
        </EmptyState>
      ) : listing?.kind === 'indexed' ? (
        <>
          <ThingsTable things={listing.things} presence={fleet?.presence} now={now} />
          <nav
            aria-label="Pagination"
            className="mt-4 flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600"
          >
            <span>
              {plural(listing.total, 'thing matches', 'things match')}
              {listing.truncated ? ' (the registry is larger than the search index; narrow the search)' : ''} · page{' '}
              {listing.page} of {listing.pages} · registry read {ageText(listing.builtAt)} ·{' '}
              <Link className="underline" href={thingsHref(query, { refresh: '1' })} prefetch={false}>
                Refresh
              </Link>
            </span>
            <div className="flex gap-2">
              {listing.page > 1 ? (
                <ButtonLink href={thingsHref(query, { page: String(listing.page - 1) })} variant="ghost">
                  Previous page
                </ButtonLink>
              ) : null}
              {listing.page < listing.pages ? (
                <ButtonLink href={thingsHref(query, { page: String(listing.page + 1) })}>Next page</ButtonLink>
              ) : null}
            </div>
          </nav>
        </>
      ) : listing ? (
        <>
          <ThingsTable things={listing.things} presence={fleet?.presence} now={now} />
          <nav
            aria-label="Pagination"
            className="mt-4 flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600"
          >
            <span>
              {plural(listing.things.length, 'thing', 'things')} on this page
              {query.page > 1 ? ` (page ${query.page})` : ''}
              {listing.kind === 'fleet-index'
                ? ` · ${plural(listing.total, 'thing matches', 'things match')} (fleet indexing)`
                : listing.total !== undefined
                  ? ` · ${plural(listing.total, 'thing', 'things')} in the registry`
                  : ''}
              {listing.kind === 'fleet-index' ? (
                <>
                  {/* AWS updates its fleet index within seconds of a change: searching again picks it up. */}
                  {' · '}
                  <Link className="underline" href={thingsHref(query, { refresh: '1' })} prefetch={false}>
                    Refresh
                  </Link>
                </>
              ) : null}
            </span>
            <div className="flex gap-2">
              {query.nextToken ? (
                <ButtonLink href={thingsHref(query)} variant="ghost">
                  First page
                </ButtonLink>
              ) : null}
              {listing.nextToken ? (
                <ButtonLink href={thingsHref(query, { nextToken: listing.nextToken, page: String(query.page + 1) })}>
                  Next page
                </ButtonLink>
              ) : null}
            </div>
          </nav>
        </>
      ) : null}
    </>
  );
}
