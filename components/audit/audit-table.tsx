import Link from 'next/link';

import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { cn } from '@/components/ui/cn';
import type { AuditEvent } from '@/lib/db/audit';

/** When an event happened, in UTC to the second (the filters are in UTC too). */
export const utc = (at: Date) => `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

const OUTCOME_CLASSES: Record<AuditEvent['outcome'], string> = {
  success: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  failure: 'bg-red-50 text-red-800 ring-red-200',
  denied: 'bg-amber-50 text-amber-900 ring-amber-200',
};

export function OutcomeBadge({ outcome }: { outcome: AuditEvent['outcome'] }) {
  return (
    <span className={cn('rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', OUTCOME_CLASSES[outcome])}>
      {outcome}
    </span>
  );
}

/** Where a resource lives in the console, when it has a page. */
export function resourceHref(resource: AuditEvent['resource']): string | undefined {
  if (!resource.id) return undefined;
  const id = encodeURIComponent(resource.id);
  switch (resource.type) {
    case 'thing':
      return `/things/${id}`;
    case 'certificate':
      return `/certificates/${id}`;
    case 'policy':
      return `/policies/${id}`;
    case 'bulk-job':
      return `/bulk/${id}`;
    default:
      return undefined;
  }
}

function details(e: AuditEvent): string | undefined {
  const entries = Object.entries(e.details);
  if (!entries.length) return undefined;
  const text = JSON.stringify(e.details);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/**
 * The events of one page of the trail, newest first. The actor and the resource link to the trail filtered by
 * them; `actorHref`/`resourceFilterHref` build those links with the page's other filters kept.
 */
export function AuditTable({
  events,
  actorHref,
  resourceFilterHref,
}: {
  events: AuditEvent[];
  actorHref: (actor: AuditEvent['actor']) => string | undefined;
  resourceFilterHref: (resource: string) => string;
}) {
  return (
    <Table aria-label="Audit events">
      <TableHead>
        <TableRow>
          <TableHeaderCell>When</TableHeaderCell>
          <TableHeaderCell>Who</TableHeaderCell>
          <TableHeaderCell>Action</TableHeaderCell>
          <TableHeaderCell>Resource</TableHeaderCell>
          <TableHeaderCell>Outcome</TableHeaderCell>
          <TableHeaderCell>From</TableHeaderCell>
          <TableHeaderCell>Details</TableHeaderCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {events.map((e) => {
          const who = actorHref(e.actor);
          const page = resourceHref(e.resource);
          return (
            <TableRow key={e.id} data-testid="audit-event">
              <TableCell className="whitespace-nowrap font-mono text-xs">{utc(e.at)}</TableCell>
              <TableCell>
                {who ? (
                  <Link href={who} className="text-indigo-700 hover:underline">
                    {e.actor.name ?? e.actor.id}
                  </Link>
                ) : (
                  <span className="text-slate-500">—</span>
                )}
                {e.actor.role ? <span className="ml-1 text-xs text-slate-500">({e.actor.role})</span> : null}
              </TableCell>
              <TableCell className="font-mono text-xs">{e.action}</TableCell>
              <TableCell className="max-w-64 break-all">
                {e.resource.id ? (
                  <>
                    {e.resource.type ? <span className="text-xs text-slate-500">{e.resource.type} </span> : null}
                    <Link
                      href={resourceFilterHref(e.resource.id)}
                      className="font-mono text-xs text-indigo-700 hover:underline"
                    >
                      {e.resource.id}
                    </Link>
                    {page ? (
                      <Link href={page} className="ml-1 text-xs text-slate-500 underline" prefetch={false}>
                        open
                      </Link>
                    ) : null}
                  </>
                ) : (
                  <span className="text-slate-500">—</span>
                )}
              </TableCell>
              <TableCell>
                <OutcomeBadge outcome={e.outcome} />
              </TableCell>
              <TableCell className="text-xs text-slate-600">
                <span title={e.userAgent}>{e.clientAddress ?? '—'}</span>
              </TableCell>
              <TableCell className="max-w-80 break-all font-mono text-xs text-slate-600">
                {details(e)}
                {e.awsRequestId ? <div className="text-slate-500">AWS request {e.awsRequestId}</div> : null}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
