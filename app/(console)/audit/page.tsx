import type { Metadata } from 'next';

import { AuditFilters } from '@/components/audit/audit-filters';
import { AuditTable } from '@/components/audit/audit-table';
import { Alert } from '@/components/ui/alert';
import { buttonClasses, ButtonLink } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { auditHref, auditSearch, hasAuditFilters, parseAuditQuery } from '@/lib/audit/query';
import { requireRole } from '@/lib/auth/guard';
import { AuditCursorError, type AuditPage as Page, auditLog } from '@/lib/db/audit';
import { dashboardDatabase } from '@/lib/server/services';
import { usersRepository } from '@/lib/db/users';
import type { SearchParams } from '@/lib/forms/search-params';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Audit trail' };

const PAGE_SIZE = 50;

/**
 * The audit trail (admin): every change made through the console and every credential event, newest first,
 * filtered by user, action, resource, outcome and time range, paged by a keyset cursor (fast however long the
 * trail is), exported to CSV or JSON with the same filters by app/api/audit/export.
 */
export default async function AuditTrailPage(props: { searchParams: Promise<SearchParams> }) {
  await requireRole('admin');
  const { query, filter, errors } = parseAuditQuery(await props.searchParams);
  const invalid = Object.keys(errors).length > 0;
  let page: Page | undefined;
  let users: { id: string; label: string }[] = [];
  let actions: string[] = [];
  let problem: string | undefined;
  try {
    const { db } = await dashboardDatabase();
    const log = auditLog(db);
    [page, users, actions] = await Promise.all([
      invalid ? undefined : log.page(filter, { limit: PAGE_SIZE, ...(query.after ? { after: query.after } : {}) }),
      usersRepository(db)
        .list()
        .then((list) => list.map((u) => ({ id: u.id, label: u.username ?? u.email })))
        .catch(() => []),
      log.actions().catch(() => []),
    ]);
  } catch (err) {
    problem =
      err instanceof AuditCursorError
        ? err.message
        : `The audit trail could not be read: ${err instanceof Error ? err.message : String(err)}`;
  }
  const exportSearch = (format: 'csv' | 'json') => {
    const search = auditSearch(query, { after: undefined });
    return `/api/audit/export${search ? `${search}&` : '?'}format=${format}`;
  };

  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Who did what, when, from where, and how it ended: every change made through the console and every credential event. Events are never changed or deleted. Times are UTC."
        actions={
          invalid ? undefined : (
            <div className="flex gap-2">
              <a href={exportSearch('csv')} className={buttonClasses('secondary')} download>
                Export CSV
              </a>
              <a href={exportSearch('json')} className={buttonClasses('secondary')} download>
                Export JSON
              </a>
            </div>
          )
        }
      />
      <AuditFilters values={query} errors={errors} users={users} actions={actions} />
      {invalid ? (
        <p className="text-sm text-slate-600">Correct the filters above to see events.</p>
      ) : problem ? (
        <Alert
          title="Could not load the audit trail"
          action={<ButtonLink href={auditHref(query, { after: undefined })}>First page</ButtonLink>}
        >
          {problem}
        </Alert>
      ) : page && page.events.length === 0 ? (
        <EmptyState
          title={hasAuditFilters(query) ? 'No events match' : 'No events yet'}
          action={hasAuditFilters(query) ? <ButtonLink href="/audit">Clear the filters</ButtonLink> : undefined}
        >
          {hasAuditFilters(query)
            ? 'No recorded event matches these filters. Widen the time range or remove a filter.'
            : 'Sign-ins, onboarding, downloads and every other change made through the console appear here.'}
        </EmptyState>
      ) : page ? (
        <>
          <AuditTable
            events={page.events}
            actorHref={(actor) =>
              actor.id
                ? auditHref(query, { user: actor.id, actor: undefined, after: undefined })
                : actor.name
                  ? auditHref(query, { actor: actor.name, user: undefined, after: undefined })
                  : undefined
            }
            resourceFilterHref={(resource) => auditHref(query, { resource, after: undefined })}
          />
          <nav aria-label="Pagination" className="mt-4 flex items-center justify-between gap-2 text-sm text-slate-600">
            <span>
              {page.events.length} event{page.events.length === 1 ? '' : 's'}
              {query.after ? ' (older page)' : ''}, newest first
            </span>
            <div className="flex gap-2">
              {query.after ? (
                <ButtonLink href={auditHref(query, { after: undefined })} variant="ghost">
                  Newest
                </ButtonLink>
              ) : null}
              {page.next ? <ButtonLink href={auditHref(query, { after: page.next })}>Older</ButtonLink> : null}
            </div>
          </nav>
        </>
      ) : null}
    </>
  );
}
