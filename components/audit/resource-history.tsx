import Link from 'next/link';

import { OutcomeBadge, utc } from '@/components/audit/audit-table';
import { auditHref } from '@/lib/audit/query';
import { requireRole } from '@/lib/auth/guard';
import { roleAllows } from '@/lib/auth/roles';
import { auditLog, type AuditEvent } from '@/lib/db/audit';
import { dashboardDatabase } from '@/lib/server/services';

const SHOWN = 8;

/**
 * A thing's or a certificate's own history on its page: the newest events that name it (as the main resource
 * or a related one: its ARN counts too), and a link to the whole of it on the Audit page. The trail is the
 * admins': for anyone else the panel is not shown.
 */
export async function ResourceHistory({ resource, arn, what }: { resource: string; arn?: string; what: string }) {
  const operator = await requireRole('viewer');
  if (!roleAllows(operator.role, 'admin')) return null;
  let events: AuditEvent[] | undefined;
  let more = false;
  try {
    const log = auditLog((await dashboardDatabase()).db);
    const page = await log.page({ resource }, { limit: SHOWN });
    events = page.events;
    more = page.next !== undefined;
    // Events that named only the ARN (an attachment, say) belong here too.
    if (arn && events.length < SHOWN) {
      const byArn = (await log.page({ resource: arn }, { limit: SHOWN })).events;
      const seen = new Set(events.map((e) => e.id));
      events = [...events, ...byArn.filter((e) => !seen.has(e.id))]
        .sort((a, b) => b.at.getTime() - a.at.getTime() || Number(b.id) - Number(a.id))
        .slice(0, SHOWN);
    }
  } catch {
    events = undefined;
  }
  return (
    <section aria-labelledby="history-heading" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 id="history-heading" className="text-sm font-semibold text-slate-900">
          History
        </h2>
        <Link href={auditHref({ resource })} className="text-xs text-indigo-700 hover:underline">
          All events in the audit trail
        </Link>
      </div>
      {events === undefined ? (
        <p className="text-sm text-red-700">The audit trail could not be read.</p>
      ) : events.length === 0 ? (
        <p className="text-sm text-slate-500">Nothing recorded about this {what} yet.</p>
      ) : (
        <ol aria-label={`History of this ${what}`} className="space-y-2">
          {events.map((e) => (
            <li key={e.id} className="text-sm" data-testid="history-event">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-mono text-xs">{e.action}</span>
                <OutcomeBadge outcome={e.outcome} />
              </div>
              <div className="text-xs text-slate-500">
                {utc(e.at)} · {e.actor.name ?? e.actor.id ?? 'unknown'}
              </div>
            </li>
          ))}
          {more ? <li className="text-xs text-slate-500">Older events are in the audit trail.</li> : null}
        </ol>
      )}
    </section>
  );
}
