import type { Collection } from '../../lib/store/collection';
import { invalidRequest } from '../errors';

/**
 * How AWS's list operations page, for the registry's list functions:
 * - by key: a token names the last key of the previous page (base64, like AWS's markers), so pages stay
 *   stable while items are added (ListThings, ListThingGroups, ...);
 * - by creation date (ListCertificates, ListCACertificates): the marker names the last item's creation date
 *   and key, oldest or newest first;
 * - by any timestamp (ListPolicies, ListPrincipalPolicies, ListPolicyPrincipals): a token over keys that lead
 *   with the timestamp.
 */
export interface Page<T> {
  items: T[];
  next?: string;
}

/** What the caller asked: the token of the previous page, at most `limit` items. */
export interface PageRequest {
  token?: string;
  limit: number;
}

export function paginate<T>(
  keys: readonly string[],
  load: (key: string) => T | undefined,
  opts: { token?: string; limit: number; filter?: (item: T) => boolean },
): Page<T> {
  let start = 0;
  if (opts.token) {
    const after = decodeToken(opts.token);
    start = firstIndexAfter(keys, after);
  }
  const items: T[] = [];
  let i = start;
  for (; i < keys.length && items.length < opts.limit; i++) {
    const item = load(keys[i]!);
    if (item === undefined || (opts.filter && !opts.filter(item))) continue;
    items.push(item);
  }
  // Only hand out a token when something may follow; a token that leads to an empty page confuses clients.
  const more = items.length === opts.limit && hasMore(keys, i, load, opts.filter);
  return { items, next: more ? encodeToken(keys[i - 1]!) : undefined };
}

function hasMore<T>(
  keys: readonly string[],
  from: number,
  load: (k: string) => T | undefined,
  filter?: (t: T) => boolean,
) {
  for (let j = from; j < keys.length; j++) {
    const item = load(keys[j]!);
    if (item !== undefined && (!filter || filter(item))) return true;
  }
  return false;
}

function firstIndexAfter(keys: readonly string[], after: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function encodeToken(lastKey: string): string {
  return Buffer.from(`v1\n${lastKey}`, 'utf8').toString('base64');
}

function decodeToken(token: string): string {
  const text = /^[A-Za-z0-9+/]+={0,2}$/.test(token) ? Buffer.from(token, 'base64').toString('utf8') : '';
  if (!text.startsWith('v1\n')) throw invalidRequest('The pagination token is not valid.');
  return text.slice(3);
}

// ---------------------------------------------------------------------------------------------
// By creation date

interface Dated {
  creationDate: number;
}

const creationOrder = new WeakMap<readonly string[], string[]>();

const cmpKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sortByCreation<V extends Dated>(coll: Collection<V>, keys: string[]): string[] {
  return keys.sort((a, b) => coll.get(a)!.creationDate - coll.get(b)!.creationDate || cmpKeys(a, b));
}

/** Every key of the collection, oldest first; cached until the next insert or delete. */
export function keysByCreation<V extends Dated>(coll: Collection<V>): string[] {
  const keys = coll.sortedKeys();
  let ordered = creationOrder.get(keys);
  if (!ordered) {
    ordered = sortByCreation(coll, [...keys]);
    creationOrder.set(keys, ordered);
  }
  return ordered;
}

/** The keys under an index entry, oldest first. */
export function indexedKeysByCreation<V extends Dated>(coll: Collection<V>, index: string, indexKey: string): string[] {
  return sortByCreation(coll, coll.keysBy(index, indexKey));
}

/**
 * One page of `ordered` (keys oldest first), newest first unless ascending. The marker names the last
 * item handed out (its creation date and key), so a page stays stable while items come and go.
 */
export function pageByCreation<V extends Dated>(
  coll: Collection<V>,
  ordered: readonly string[],
  opts: { marker?: string; pageSize: number; ascending: boolean; filter?: (v: V) => boolean },
): Page<V> {
  const at = (i: number) => ({ date: coll.get(ordered[i]!)!.creationDate, key: ordered[i]! });
  const cmp = (i: number, m: { date: number; key: string }) => {
    const x = at(i);
    return x.date - m.date || cmpKeys(x.key, m.key);
  };
  // firstAfter: index of the first key greater than the marker.
  let firstAfter = opts.ascending ? 0 : ordered.length;
  if (opts.marker !== undefined) {
    const m = decodeMarker(opts.marker);
    let lo = 0;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(mid, m) <= 0) lo = mid + 1;
      else hi = mid;
    }
    firstAfter = lo;
    if (!opts.ascending) {
      // Going down: start below the marker's own position.
      while (firstAfter > 0 && cmp(firstAfter - 1, m) >= 0) firstAfter--;
    }
  }
  const items: V[] = [];
  const keys: string[] = [];
  const step = opts.ascending ? 1 : -1;
  let i = opts.ascending ? firstAfter : firstAfter - 1;
  for (; i >= 0 && i < ordered.length && items.length < opts.pageSize; i += step) {
    const v = coll.get(ordered[i]!)!;
    if (opts.filter && !opts.filter(v)) continue;
    items.push(v);
    keys.push(ordered[i]!);
  }
  let more = false;
  if (items.length === opts.pageSize) {
    for (let j = i; j >= 0 && j < ordered.length; j += step) {
      if (!opts.filter || opts.filter(coll.get(ordered[j]!)!)) {
        more = true;
        break;
      }
    }
  }
  const last = keys[keys.length - 1];
  return {
    items,
    next: more && last ? encodeMarker(coll.get(last)!.creationDate, last) : undefined,
  };
}

function encodeMarker(date: number, key: string) {
  return Buffer.from(`${date}:${key}`, 'utf8').toString('base64');
}

function decodeMarker(marker: string): { date: number; key: string } {
  const text = /^[A-Za-z0-9+/]+={0,2}$/.test(marker) ? Buffer.from(marker, 'base64').toString('utf8') : '';
  const m = /^(\d+):(.+)$/s.exec(text);
  if (!m) throw invalidRequest('The marker is not valid.');
  return { date: Number(m[1]), key: m[2]! };
}

/**
 * Pages items that carry a timestamp in that order (ListPolicies, ListPrincipalPolicies, ListPolicyPrincipals
 * with isAscendingOrder): the sort key leads with the timestamp, or with its complement for newest-first, and
 * ends with a unique name so ties keep a stable order.
 */
export function pageByTimestamp<T>(
  items: T[],
  at: (item: T) => number,
  name: (item: T) => string,
  opts: { ascending: boolean; token?: string; limit: number },
): Page<T> {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const ts = opts.ascending ? at(item) : 999_999_999_999_999 - at(item);
    byKey.set(`${String(ts).padStart(15, '0')}\n${name(item)}`, item);
  }
  const keys = [...byKey.keys()].sort();
  return paginate(keys, (k) => byKey.get(k), { token: opts.token, limit: opts.limit });
}
