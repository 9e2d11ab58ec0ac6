import 'server-only';

import { AppError } from '@/lib/aws/errors';
import { countThings, prefixTerm, quoteTerm, searchThings } from '@/lib/aws/indexing';
import { listAllThingsInGroup, listThingsInGroup } from '@/lib/aws/thing-groups';
import { describeThing, listThings } from '@/lib/aws/things';
import type { Thing } from '@/lib/aws/types';
import { fleetIndexingSettings } from '@/lib/fleet/indexing-settings';
import { getThingIndex, lowerBound, peekThingIndex, searchThingIndex } from '@/lib/things/thing-index';

import { hasFilters, type ThingsQuery } from './query';

/**
 * The things list's query planner: which AWS calls (or the server-side index) answer a set of filters, and
 * how the page is cut. ListThings filters by type and by one attribute itself, but not by name prefix and
 * not by group; ListThingsInThingGroup lists a group but filters nothing. Whatever those cannot answer is
 * searched in the thing index (lib/aws/thing-index.ts).
 */

export const THINGS_PAGE_SIZE = 25;

/** `version` is absent on rows from fleet indexing (AWS's ThingDocument carries none). */
export type ThingRow = Pick<Thing, 'name' | 'typeName' | 'attributes'> & { version?: number; arn?: string };

export type ThingsListing =
  /** Straight from AWS, one page at a time with nextToken links; `total` only when an index already knows it. */
  | { kind: 'token'; things: ThingRow[]; nextToken?: string; total?: number }
  /** AWS's fleet index (SearchIndex), one page at a time with nextToken links, and how many match (GetStatistics). */
  | { kind: 'fleet-index'; things: ThingRow[]; nextToken?: string; total: number }
  /** Served from the server-side index (prefix search, or a group combined with other filters). */
  | {
      kind: 'indexed';
      things: ThingRow[];
      total: number;
      page: number;
      pages: number;
      builtAt: number;
      truncated: boolean;
      searched: number;
    };

/**
 * - `group-members`: a group alone; ListThingsInThingGroup pages through the members.
 * - `fleet-index`: what ListThings cannot answer (a name prefix, or a group with other filters), when the
 *   account has fleet indexing on: one SearchIndex query with every filter.
 * - `index-search`: the same without fleet indexing, from the dashboard's own index of ListThings.
 * - `list-things`: no filter, or type/attribute filters that ListThings applies itself; one call whatever
 *   the registry's size.
 */
export type ListingPlan = 'group-members' | 'fleet-index' | 'index-search' | 'list-things';

export function planThingsListing(q: ThingsQuery, account: { fleetIndexing?: boolean } = {}): ListingPlan {
  const otherFilters = Boolean(q.prefix || q.typeName || q.attributeName);
  if (q.groupName && !otherFilters) return 'group-members';
  if (q.prefix || q.groupName) return account.fleetIndexing ? 'fleet-index' : 'index-search';
  return 'list-things';
}

/** The filters as one fleet indexing query (every value escaped or quoted, so it matches literally). */
export function fleetIndexQuery(q: ThingsQuery): string {
  const terms: string[] = [];
  if (q.prefix) terms.push(`thingName:${prefixTerm(q.prefix)}`);
  if (q.typeName) terms.push(`thingTypeName:${quoteTerm(q.typeName)}`);
  if (q.groupName) terms.push(`thingGroupNames:${quoteTerm(q.groupName)}`);
  if (q.attributeName && q.attributeValue !== undefined) {
    terms.push(`attributes.${q.attributeName.replace(/[^\w.-]/g, '\\$&')}:${quoteTerm(q.attributeValue)}`);
  }
  return terms.length ? terms.join(' AND ') : 'thingName:*';
}

/** Details of a group's members: from the index when it is warm, else DescribeThing (25 calls, inside its 350 TPS). */
async function membersWithDetails(names: string[]): Promise<ThingRow[]> {
  const index = peekThingIndex();
  const rows = await Promise.all(
    names.map(async (name): Promise<ThingRow | undefined> => {
      if (index) {
        const hit = index.things[lowerBound(index.things, name)];
        if (hit?.name === name) return hit;
      }
      try {
        return await describeThing(name);
      } catch (err) {
        if (err instanceof AppError && err.code === 'not_found') return undefined; // deleted meanwhile
        throw err;
      }
    }),
  );
  return rows.filter((r): r is ThingRow => r !== undefined);
}

/** One page of the things list for these filters. AWS failures are thrown as AppError by lib/aws. */
export async function loadThingsListing(q: ThingsQuery, pageSize = THINGS_PAGE_SIZE): Promise<ThingsListing> {
  const otherwiseIndexed = planThingsListing(q) === 'index-search';
  const fleetIndexing = otherwiseIndexed && (await fleetIndexingSettings()).thingIndexingMode !== 'OFF';
  const plan = planThingsListing(q, { fleetIndexing });

  if (plan === 'fleet-index') {
    const queryString = fleetIndexQuery(q);
    const [page, total] = await Promise.all([
      searchThings({ queryString, maxResults: pageSize, nextToken: q.nextToken }),
      countThings(queryString),
    ]);
    return {
      kind: 'fleet-index',
      things: page.things.map((t) => ({ name: t.name, typeName: t.typeName, attributes: t.attributes })),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      total,
    };
  }

  if (plan === 'group-members') {
    const page = await listThingsInGroup(q.groupName!, { nextToken: q.nextToken, maxResults: pageSize });
    return { kind: 'token', things: await membersWithDetails(page.names), nextToken: page.nextToken };
  }

  if (plan === 'index-search') {
    const group = q.groupName;
    const [index, members] = await Promise.all([
      getThingIndex({ refresh: q.refresh }),
      group ? listAllThingsInGroup(group) : Promise.resolve(undefined),
    ]);
    const result = searchThingIndex(
      index.things,
      {
        prefix: q.prefix,
        typeName: q.typeName,
        attributeName: q.attributeName,
        attributeValue: q.attributeValue,
        names: members ? new Set(members.names) : undefined,
      },
      q.page,
      pageSize,
    );
    return {
      kind: 'indexed',
      ...result,
      builtAt: index.builtAt,
      truncated: index.truncated,
      searched: members ? members.names.length : index.things.length,
    };
  }

  const result = await listThings({
    nextToken: q.nextToken,
    maxResults: pageSize,
    thingTypeName: q.typeName,
    attributeName: q.attributeName,
    attributeValue: q.attributeValue,
  });
  const index = hasFilters(q) ? undefined : peekThingIndex();
  return {
    kind: 'token',
    things: result.things,
    nextToken: result.nextToken,
    total: index && !index.truncated ? index.things.length : undefined,
  };
}
