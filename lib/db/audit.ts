import type { Expression, Kysely, Selectable, SqlBool } from 'kysely';
import { sql } from 'kysely';

import type { AuditEventsTable, AuditOutcome, DatabaseSchema } from './schema';

/**
 * The audit trail: append an event, read a page of events (filters + keyset paging by (at, id), newest first),
 * read every matching event for an export. Nothing here updates or deletes an event, and the database refuses
 * it anyway (migrations/0002-audit.ts).
 *
 * Never a private key, a password or a session token: `details` passes through `redactSecrets` first.
 */

export type { AuditOutcome };

export interface AuditActor {
  /** users.id, when the actor is a known user. */
  id?: string;
  /** What to show: the user name or e-mail at the time (for a failed sign-in, the name that was tried). */
  name?: string;
  role?: string;
}

export interface AuditEventInput {
  /** Defaults to now. Millisecond precision, as the cursor. */
  at?: Date;
  actor?: AuditActor;
  clientAddress?: string;
  userAgent?: string;
  /** `<area>.<verb>`, e.g. `bundle.download`, `certificate.revoke`, `user.disable`, `auth.sign-in`. */
  action: string;
  /** The main resource: what the event is about. */
  resource?: { type?: string; id?: string; arn?: string };
  /** Every other id or ARN the event names (the policy attached, the thing it was attached to, ...). */
  related?: string[];
  outcome: AuditOutcome;
  /** The AWS request id of the call that made the change, when there was one. */
  awsRequestId?: string;
  details?: Record<string, unknown>;
}

export interface AuditEvent {
  id: string;
  at: Date;
  actor: AuditActor;
  clientAddress?: string;
  userAgent?: string;
  action: string;
  resource: { type?: string; id?: string; arn?: string };
  /** The main resource's id and ARN and every related one. */
  resources: string[];
  outcome: AuditOutcome;
  awsRequestId?: string;
  details: Record<string, unknown>;
}

export interface AuditFilter {
  actorId?: string;
  /** Exact actor name (a user name or e-mail, e.g. one tried in failed sign-ins). */
  actorName?: string;
  /** Any of these actions. */
  actions?: string[];
  /** An id or ARN the event names (main or related). */
  resource?: string;
  outcome?: AuditOutcome;
  /** Inclusive lower bound. */
  from?: Date;
  /** Exclusive upper bound. */
  to?: Date;
}

export interface AuditPage {
  events: AuditEvent[];
  /** Pass as `after` for the next (older) page; absent on the last page. */
  next?: string;
}

export class AuditCursorError extends Error {
  constructor() {
    super('The page link is not valid (it may be from another version of the dashboard); start from the first page.');
    this.name = 'AuditCursorError';
  }
}

export const AUDIT_PAGE_MAX = 500;

const SECRET_KEY = /pass(word|phrase)?|secret|token|private.?key|credential|cookie|authorization/i;
const PRIVATE_KEY_PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** A copy of `value` with secret-named fields and private-key PEMs replaced by `[redacted]`. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[too deep]';
  if (typeof value === 'string') return PRIVATE_KEY_PEM.test(value) ? '[redacted]' : value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        SECRET_KEY.test(k) ? '[redacted]' : redactSecrets(v, depth + 1),
      ]),
    );
  }
  return value;
}

const trimmed = (s: string | undefined, max: number) => (s ? s.slice(0, max) : undefined);

function toEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  const opt = <T>(v: T | null) => (v === null ? undefined : v);
  return {
    id: String(row.id),
    at: row.at,
    actor: Object.fromEntries(
      Object.entries({ id: row.actor_id, name: row.actor_name, role: row.actor_role }).filter(([, v]) => v !== null),
    ) as AuditActor,
    clientAddress: opt(row.client_address),
    userAgent: opt(row.user_agent),
    action: row.action,
    resource: Object.fromEntries(
      Object.entries({ type: row.resource_type, id: row.resource_id, arn: row.resource_arn }).filter(
        ([, v]) => v !== null,
      ),
    ),
    resources: row.resources,
    outcome: row.outcome,
    awsRequestId: opt(row.aws_request_id),
    details: row.details,
  };
}

function encodeCursor(e: { at: Date; id: string }): string {
  return Buffer.from(JSON.stringify([e.at.getTime(), e.id])).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [ms, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof ms === 'number' && Number.isFinite(ms) && typeof id === 'string' && /^\d{1,19}$/.test(id)) {
      return { at: new Date(ms), id };
    }
  } catch {
    // Falls through to the error below.
  }
  throw new AuditCursorError();
}

export function auditLog(db: Kysely<DatabaseSchema>) {
  const query = (filter: AuditFilter, after: { at: Date; id: string } | undefined, limit: number) => {
    let q = db.selectFrom('audit_events').selectAll();
    if (filter.actorId) q = q.where('actor_id', '=', filter.actorId);
    if (filter.actorName) q = q.where('actor_name', '=', filter.actorName);
    if (filter.actions?.length) q = q.where('action', 'in', filter.actions);
    if (filter.outcome) q = q.where('outcome', '=', filter.outcome);
    if (filter.resource) q = q.where(sql<SqlBool>`resources @> array[${filter.resource}]::text[]`);
    if (filter.from) q = q.where('at', '>=', filter.from);
    if (filter.to) q = q.where('at', '<', filter.to);
    if (after) {
      q = q.where((eb) =>
        eb(eb.refTuple('at', 'id'), '<', eb.tuple(after.at, sql`${after.id}::bigint` as Expression<string>)),
      );
    }
    return q.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit);
  };

  return {
    async append(input: AuditEventInput): Promise<AuditEvent> {
      const resources = [
        ...new Set([input.resource?.id, input.resource?.arn, ...(input.related ?? [])].filter((r): r is string => !!r)),
      ];
      const row = await db
        .insertInto('audit_events')
        .values({
          at: new Date(Math.floor((input.at ?? new Date()).getTime())),
          actor_id: input.actor?.id ?? null,
          actor_name: trimmed(input.actor?.name, 320) ?? null,
          actor_role: input.actor?.role ?? null,
          client_address: trimmed(input.clientAddress, 100) ?? null,
          user_agent: trimmed(input.userAgent, 512) ?? null,
          action: input.action,
          resource_type: input.resource?.type ?? null,
          resource_id: input.resource?.id ?? null,
          resource_arn: input.resource?.arn ?? null,
          resources,
          outcome: input.outcome,
          aws_request_id: input.awsRequestId ?? null,
          details: JSON.stringify(redactSecrets(input.details ?? {})),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toEvent(row);
    },

    /** One page, newest first; `after` is the previous page's `next`. */
    async page(filter: AuditFilter = {}, opts: { limit?: number; after?: string } = {}): Promise<AuditPage> {
      const limit = Math.max(1, Math.min(AUDIT_PAGE_MAX, opts.limit ?? 50));
      const after = opts.after ? decodeCursor(opts.after) : undefined;
      const rows = await query(filter, after, limit + 1).execute();
      const events = rows.slice(0, limit).map(toEvent);
      const last = events.at(-1);
      return rows.length > limit && last ? { events, next: encodeCursor(last) } : { events };
    },

    /**
     * The distinct actions recorded (the Audit page's choices): a skip scan of the (action, at, id) index, one
     * probe per action rather than a read of every event.
     */
    async actions(): Promise<string[]> {
      const { rows } = await sql<{ action: string }>`
        with recursive a(action) as (
          (select action from audit_events order by action limit 1)
          union all
          select (select e.action from audit_events e where e.action > a.action order by e.action limit 1)
          from a where a.action is not null
        )
        select action from a where action is not null`.execute(db);
      return rows.map((r) => r.action);
    },

    /** Every matching event, newest first, read in batches (for CSV and JSON exports of any size). */
    async *all(filter: AuditFilter = {}, batchSize = 1000): AsyncGenerator<AuditEvent> {
      let after: { at: Date; id: string } | undefined;
      for (;;) {
        const rows = await query(filter, after, batchSize).execute();
        for (const row of rows) yield toEvent(row);
        if (rows.length < batchSize) return;
        const last = rows.at(-1)!;
        after = { at: last.at, id: String(last.id) };
      }
    },
  };
}

export type AuditLog = ReturnType<typeof auditLog>;
