import { z } from 'zod';
import { invalidRequest } from '../errors';

/**
 * Token pagination over a collection's sorted keys, as AWS's list operations page: a token names the
 * last key of the previous page (base64, like AWS's markers), so pages stay stable while items are added.
 */
export interface Page<T> {
  items: T[];
  next?: string;
}

export const pageSize = (max = 250) => z.coerce.number().int().min(1).max(max);

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
