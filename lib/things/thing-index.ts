import 'server-only';

import { readIotConfig } from '@/lib/aws/config';
import { listThings } from '@/lib/aws/things';
import type { Thing } from '@/lib/aws/types';
import { thingIndexState } from '@/lib/server/services';

/**
 * A short-lived, server-side index of the thing registry, for what ListThings cannot do: search by name
 * prefix, and count. ListThings filters only by type and attribute, pages at most 250 things, and is
 * limited to 10 requests per second per account, so the index is read once (250 per call, one call after
 * the other as each needs the previous nextToken), kept for INDEX_TTL_MS, and shared by every request in
 * this server process. Concurrent requests share one build. This app's own create, update and delete
 * actions patch the index in place (rememberThing / forgetThing), so an operator sees their own change at
 * once; changes made elsewhere show up when the index expires or on an explicit refresh.
 */

export interface IndexedThing {
  name: string;
  typeName: string | undefined;
  attributes: Record<string, string>;
  version: number;
}

export interface ThingIndex {
  /** Sorted by name (code-point order), so a prefix is one contiguous run. */
  things: IndexedThing[];
  builtAt: number;
  /** The build stopped at MAX_INDEXED_THINGS; counts are then lower bounds. */
  truncated: boolean;
}

/** How long an index is served before the next request rebuilds it. THING_INDEX_TTL_MS overrides. */
export const INDEX_TTL_MS = 45_000;
/** A guard on memory and on time spent paging: 100,000 things is 400 ListThings calls (40 s at 10 TPS). */
export const MAX_INDEXED_THINGS = 100_000;

/** The process-wide state of the index (one per server process: lib/server/services.ts). */
export interface ThingIndexState {
  key?: string;
  index?: ThingIndex;
  building?: Promise<ThingIndex>;
  /** Bumped by every invalidation; a build started before one does not get cached. */
  generation: number;
}

function ttlMs(): number {
  const fromEnv = Number(process.env.THING_INDEX_TTL_MS);
  return Number.isFinite(fromEnv) && fromEnv >= 0 && process.env.THING_INDEX_TTL_MS ? fromEnv : INDEX_TTL_MS;
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

async function build(): Promise<ThingIndex> {
  const things: IndexedThing[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listThings({ nextToken, maxResults: 250 });
    for (const t of page.things) {
      if (!t.name) continue;
      things.push({ name: t.name, typeName: t.typeName, attributes: t.attributes, version: t.version });
    }
    nextToken = page.nextToken;
  } while (nextToken && things.length < MAX_INDEXED_THINGS);
  things.sort(byName);
  return { things, builtAt: Date.now(), truncated: Boolean(nextToken) };
}

function configKey(): string {
  const c = readIotConfig();
  return `${c.mode}|${c.region}|${c.controlEndpoint ?? ''}`;
}

/** The index if one is fresh, without building one (for showing counts when they are known). */
export function peekThingIndex(): ThingIndex | undefined {
  const holder = thingIndexState();
  const key = configKey();
  if (holder.key !== key || !holder.index) return undefined;
  return Date.now() - holder.index.builtAt < ttlMs() ? holder.index : undefined;
}

/** The index, built (or rebuilt, when stale or `refresh` is set) as needed. */
export async function getThingIndex(opts: { refresh?: boolean } = {}): Promise<ThingIndex> {
  const holder = thingIndexState();
  if (opts.refresh) invalidateThingIndex();
  const fresh = peekThingIndex();
  if (fresh) return fresh;
  const key = configKey();
  if (holder.building && holder.key === key) return holder.building;

  const generation = holder.generation;
  holder.key = key;
  const building = build().then(
    (index) => {
      if (holder.generation === generation && holder.key === key) holder.index = index;
      if (holder.building === building) holder.building = undefined;
      return index;
    },
    (err: unknown) => {
      if (holder.building === building) holder.building = undefined;
      throw err;
    },
  );
  holder.building = building;
  return building;
}

/** Drop the index: the next search reads the registry again. */
export function invalidateThingIndex(): void {
  const holder = thingIndexState();
  holder.generation++;
  holder.index = undefined;
  holder.building = undefined;
}

/** A build in flight when this app changes a thing would miss the change: restart it instead. */
function dropBuildInFlight(): void {
  const holder = thingIndexState();
  if (holder.building) {
    holder.generation++;
    holder.building = undefined;
  }
}

/** This app created or changed a thing: patch a fresh index in place. */
export function rememberThing(thing: Pick<Thing, 'name' | 'typeName' | 'attributes' | 'version'>): void {
  const holder = thingIndexState();
  dropBuildInFlight();
  const index = holder.index;
  if (!index) return;
  const entry: IndexedThing = {
    name: thing.name,
    typeName: thing.typeName,
    attributes: { ...thing.attributes },
    version: thing.version,
  };
  const at = lowerBound(index.things, thing.name);
  if (index.things[at]?.name === thing.name) index.things[at] = entry;
  else index.things.splice(at, 0, entry);
}

/** This app deleted a thing: remove it from a fresh index. */
export function forgetThing(name: string): void {
  const holder = thingIndexState();
  dropBuildInFlight();
  const index = holder.index;
  if (!index) return;
  const at = lowerBound(index.things, name);
  if (index.things[at]?.name === name) index.things.splice(at, 1);
}

// ---------------------------------------------------------------------------------------------------
// Search (pure)

/** First position whose name is >= `name`. */
export function lowerBound(things: readonly { name: string }[], name: string): number {
  let lo = 0;
  let hi = things.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (things[mid]!.name < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface IndexQuery {
  prefix?: string;
  typeName?: string;
  attributeName?: string;
  attributeValue?: string;
  /** Only these names (e.g. the members of a thing group). */
  names?: ReadonlySet<string>;
}

export interface IndexPage {
  things: IndexedThing[];
  /** Every match, across pages. */
  total: number;
  /** 1-based, clamped to the last page. */
  page: number;
  pages: number;
}

/** Filter the sorted index and cut one page out of the matches. A prefix is a binary search, not a scan. */
export function searchThingIndex(
  things: readonly IndexedThing[],
  query: IndexQuery,
  page: number,
  pageSize: number,
): IndexPage {
  let candidates: readonly IndexedThing[] = things;
  if (query.prefix) {
    const start = lowerBound(things, query.prefix);
    let end = start;
    while (end < things.length && things[end]!.name.startsWith(query.prefix)) end++;
    candidates = things.slice(start, end);
  }
  const matches =
    query.typeName || query.attributeName || query.names
      ? candidates.filter((t) => {
          if (query.typeName && t.typeName !== query.typeName) return false;
          if (query.names && !query.names.has(t.name)) return false;
          if (query.attributeName) {
            const v = t.attributes[query.attributeName];
            if (v === undefined) return false;
            if (query.attributeValue !== undefined && v !== query.attributeValue) return false;
          }
          return true;
        })
      : candidates;
  const pages = Math.max(1, Math.ceil(matches.length / pageSize));
  const current = Math.min(Math.max(1, Math.trunc(page) || 1), pages);
  const from = (current - 1) * pageSize;
  return { things: matches.slice(from, from + pageSize), total: matches.length, page: current, pages };
}
