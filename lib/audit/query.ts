import type { AuditFilter, AuditOutcome } from '@/lib/db/audit';
import { firstParam, type SearchParams } from '@/lib/forms/search-params';

/**
 * The Audit page's filters, in its address (a GET form, so every view of the trail is a link an admin can
 * share), read back here: user (an id, or a name such as one tried in a failed sign-in), action(s), a
 * resource id or ARN, outcome, a time range in UTC, and the keyset cursor of the page. The export route reads
 * the same address, so an export holds exactly the events the page shows. Pure.
 */
export interface AuditQuery {
  /** users.id */
  user?: string;
  /** An actor's exact name, for events of no known user (failed sign-ins). */
  actor?: string;
  /** One action or several, comma-separated. */
  action?: string;
  resource?: string;
  outcome?: AuditOutcome;
  /** `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm`, UTC, inclusive. */
  from?: string;
  /** The same, exclusive. */
  to?: string;
  /** The page's cursor (from the previous page's "Older"). */
  after?: string;
}

const OUTCOMES: readonly AuditOutcome[] = ['success', 'failure', 'denied'];
const KEYS = ['user', 'actor', 'action', 'resource', 'outcome', 'from', 'to', 'after'] as const;

/** A search param's first value, trimmed; undefined when absent or blank. */
const first = (v: string | string[] | undefined | null): string | undefined =>
  firstParam(v ?? undefined)?.trim() || undefined;

/** A UTC date or minute (what a `datetime-local` field sends, read as UTC); undefined when it is not one. */
export function parseUtc(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?Z?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1);
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  // Date.UTC rolls 2024-02-31 over into March: such a date is not one.
  return date.getUTCDate() === Number(d) && date.getUTCMonth() === Number(mo) - 1 ? date : undefined;
}

export function parseAuditQuery(params: SearchParams | URLSearchParams): {
  query: AuditQuery;
  filter: AuditFilter;
  errors: Partial<Record<keyof AuditQuery, string>>;
} {
  const get = (k: string) => (params instanceof URLSearchParams ? first(params.get(k)) : first(params[k]));
  const query: AuditQuery = {};
  const filter: AuditFilter = {};
  const errors: Partial<Record<keyof AuditQuery, string>> = {};
  for (const key of KEYS) {
    const value = get(key);
    if (value !== undefined) query[key] = value as never;
  }
  const tooLong = (key: keyof AuditQuery, max: number) => {
    const v = query[key];
    if (v !== undefined && v.length > max) errors[key] = `At most ${max} characters.`;
    return v !== undefined && v.length <= max;
  };
  if (tooLong('user', 200)) filter.actorId = query.user;
  if (tooLong('actor', 320)) filter.actorName = query.actor;
  if (tooLong('resource', 2048)) filter.resource = query.resource;
  if (tooLong('action', 1000)) {
    const actions = query
      .action!.split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    if (actions.some((a) => !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(a)))
      errors.action = 'Actions look like bundle.download or bulk.start (several: comma-separated).';
    else filter.actions = actions;
  }
  if (query.outcome !== undefined) {
    if (OUTCOMES.includes(query.outcome)) filter.outcome = query.outcome;
    else errors.outcome = 'The outcome is success, failure or denied.';
  }
  for (const key of ['from', 'to'] as const) {
    if (query[key] === undefined) continue;
    const at = parseUtc(query[key]);
    if (at) filter[key] = at;
    else errors[key] = 'A date (2024-05-31) or a date and time (2024-05-31T14:00), in UTC.';
  }
  if (filter.from && filter.to && filter.from >= filter.to) errors.to = 'The end must be after the start.';
  return { query, filter, errors };
}

/** The address of a view of the trail (the filters, with `changes` applied; undefined removes a key). */
export function auditHref(query: AuditQuery, changes: Partial<Record<keyof AuditQuery, string | undefined>> = {}) {
  return `/audit${auditSearch(query, changes)}`;
}

/** `?user=…&action=…` for the page or the export route. */
export function auditSearch(
  query: AuditQuery,
  changes: Partial<Record<keyof AuditQuery, string | undefined>> = {},
): string {
  const params = new URLSearchParams();
  const merged: Record<string, string | undefined> = { ...query, ...changes };
  for (const key of KEYS) {
    const v = merged[key];
    if (v) params.set(key, v);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export const hasAuditFilters = (q: AuditQuery) =>
  Boolean(q.user || q.actor || q.action || q.resource || q.outcome || q.from || q.to);
