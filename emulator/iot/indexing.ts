import type { EmulatorContext } from '../context';
import { invalidAggregation, invalidQuery, invalidRequest, notFound } from '../errors';
import {
  INDEXING_LOCAL_DEFAULT,
  INDEXING_OFF,
  type IndexingConfiguration,
  configurationProblem,
  THING_GROUPS_INDEX,
  THINGS_INDEX,
  type ThingGroupIndexingConfiguration,
  type ThingIndexingConfiguration,
} from '../indexing/configuration';
import {
  type Indexed,
  type ThingDocument,
  type ThingGroupDocument,
  thingDocument,
  thingGroupDocument,
} from '../indexing/documents';
import { type FieldValue, matches } from '../indexing/match';
import { parseQuery, type QueryNode, QuerySyntaxError } from '../indexing/query';
import { type Page, paginate } from './paging';
import { inTransaction, type Reader, type Transaction } from './transaction';

/**
 * Fleet indexing: the account's configuration, SearchIndex over `AWS_Things` and `AWS_ThingGroups`,
 * GetStatistics and GetCardinality. The index is the store itself, read through the configuration
 * (emulator/indexing/documents.ts), so it answers at once where AWS is eventually consistent.
 */

const CONFIGURATION_KEY = 'configuration';

export function indexingConfiguration(r: Reader): IndexingConfiguration {
  return (r.c.indexing.get(CONFIGURATION_KEY)?.value as IndexingConfiguration | undefined) ?? INDEXING_OFF;
}

/** At start-up: the configuration `fleetIndexing` asks for, when the account has none yet. */
export function initIndexing(ctx: EmulatorContext): void {
  if (!ctx.config.fleetIndexing || ctx.store.c.indexing.has(CONFIGURATION_KEY)) return;
  ctx.store.commit((tx) => tx.put('indexing', CONFIGURATION_KEY, { value: INDEXING_LOCAL_DEFAULT }));
}

export interface IndexingUpdate {
  thing?: Partial<ThingIndexingConfiguration> & Pick<ThingIndexingConfiguration, 'thingIndexingMode'>;
  thingGroup?: Partial<ThingGroupIndexingConfiguration> &
    Pick<ThingGroupIndexingConfiguration, 'thingGroupIndexingMode'>;
}

/**
 * UpdateIndexingConfiguration: each part given replaces that part (modes left out are OFF). Thing indexing
 * cannot be turned off while dynamic thing groups depend on it.
 */
export function updateIndexingConfiguration(ctx: EmulatorContext, update: IndexingUpdate, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    const current = indexingConfiguration(tx);
    const next: IndexingConfiguration = {
      thing: update.thing
        ? {
            thingIndexingMode: update.thing.thingIndexingMode,
            thingConnectivityIndexingMode: update.thing.thingConnectivityIndexingMode ?? 'OFF',
            deviceDefenderIndexingMode: update.thing.deviceDefenderIndexingMode ?? 'OFF',
            namedShadowIndexingMode: update.thing.namedShadowIndexingMode ?? 'OFF',
            customFields: update.thing.customFields ?? [],
            ...(update.thing.filter ? { filter: update.thing.filter } : {}),
          }
        : current.thing,
      thingGroup: update.thingGroup
        ? {
            thingGroupIndexingMode: update.thingGroup.thingGroupIndexingMode,
            customFields: update.thingGroup.customFields ?? [],
          }
        : current.thingGroup,
    };
    const problem = configurationProblem(next);
    if (problem) throw invalidRequest(problem);
    if (next.thing.thingIndexingMode === 'OFF') {
      const dynamic = [...tx.c.thingGroups.values()].filter((g) => g.dynamic).map((g) => g.thingGroupName);
      if (dynamic.length) {
        throw invalidRequest(
          `Thing indexing cannot be turned off while dynamic thing groups use it (${dynamic.slice(0, 5).join(', ')}). Delete them first.`,
        );
      }
    }
    tx.put('indexing', CONFIGURATION_KEY, { value: next });
  });
}

/** A query, or InvalidQueryException with what is wrong in it. */
export function parseIndexQuery(queryString: string): QueryNode {
  try {
    return parseQuery(queryString);
  } catch (err) {
    if (err instanceof QuerySyntaxError) throw invalidQuery(`Syntax error in query string: ${err.message}`);
    throw err;
  }
}

const indexMissing = (indexName: string) =>
  notFound(`Index ${indexName} does not exist. Please enable index by calling UpdateIndexingConfiguration`);

/** The things index, or ResourceNotFoundException in AWS's words when thing indexing is off. */
export function requireThingIndex(r: Reader): ThingIndexingConfiguration {
  const config = indexingConfiguration(r).thing;
  if (config.thingIndexingMode === 'OFF') throw indexMissing(THINGS_INDEX);
  return config;
}

type AnyDocument = Indexed<ThingDocument> | Indexed<ThingGroupDocument>;

/** Every document of an index whose fields match, by key (thing or group name) in name order. */
function matching(r: Reader, indexName: string, tree: QueryNode): { keys: string[]; docs: Map<string, AnyDocument> } {
  const docs = new Map<string, AnyDocument>();
  if (indexName === THINGS_INDEX) {
    const config = requireThingIndex(r);
    for (const thing of r.c.things.values()) {
      const doc = thingDocument(r, thing, config);
      if (matches(tree, doc.fields)) docs.set(thing.thingName, doc);
    }
  } else if (indexName === THING_GROUPS_INDEX) {
    if (indexingConfiguration(r).thingGroup.thingGroupIndexingMode === 'OFF') throw indexMissing(THING_GROUPS_INDEX);
    for (const group of r.c.thingGroups.values()) {
      const doc = thingGroupDocument(r, group);
      if (matches(tree, doc.fields)) docs.set(group.thingGroupName, doc);
    }
  } else {
    throw notFound(`Index ${indexName} does not exist.`);
  }
  return { keys: [...docs.keys()].sort(), docs };
}

/** The names of the things a query matches (dynamic thing groups' members). */
export function thingsMatching(r: Reader, tree: QueryNode): string[] {
  return matching(r, THINGS_INDEX, tree).keys;
}

export interface SearchRequest {
  indexName?: string;
  queryString: string;
  token?: string;
  limit: number;
}

/** SearchIndex: one page of matching things (or thing groups), in name order. */
export function searchIndex(
  ctx: EmulatorContext,
  q: SearchRequest,
): { index: string; page: Page<ThingDocument | ThingGroupDocument> } {
  const index = q.indexName ?? THINGS_INDEX;
  const tree = parseIndexQuery(q.queryString);
  const { keys, docs } = matching(ctx.store, index, tree);
  const page = paginate(keys, (k) => docs.get(k)?.document, { token: q.token, limit: q.limit });
  return { index, page };
}

export interface Statistics {
  count: number;
  average?: number;
  sum?: number;
  minimum?: number;
  maximum?: number;
  sumOfSquares?: number;
  variance?: number;
  stdDeviation?: number;
}

function aggregated(
  ctx: EmulatorContext,
  q: { indexName?: string; queryString: string; aggregationField?: string },
): { docs: AnyDocument[]; values: (field: string) => FieldValue[] } {
  const { keys, docs } = matching(ctx.store, q.indexName ?? THINGS_INDEX, parseIndexQuery(q.queryString));
  const list = keys.map((k) => docs.get(k)!);
  return { docs: list, values: (field) => list.flatMap((d) => d.fields.get(field) ?? []) };
}

/**
 * GetStatistics: how many documents match; with a numeric aggregation field, the statistics of its values
 * (count is then the number of values).
 */
export function getStatistics(
  ctx: EmulatorContext,
  q: { indexName?: string; queryString: string; aggregationField?: string },
): Statistics {
  const { docs, values } = aggregated(ctx, q);
  if (!q.aggregationField) return { count: docs.length };
  const all = values(q.aggregationField);
  const numbers = all.map((v) => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN));
  if (numbers.some((n) => !Number.isFinite(n))) {
    throw invalidAggregation(`The aggregation field ${q.aggregationField} is not a numeric field.`);
  }
  if (numbers.length === 0) return { count: 0 };
  const sum = numbers.reduce((a, b) => a + b, 0);
  const sumOfSquares = numbers.reduce((a, b) => a + b * b, 0);
  const average = sum / numbers.length;
  const variance = sumOfSquares / numbers.length - average * average;
  return {
    count: numbers.length,
    average,
    sum,
    // A loop, not Math.min(...numbers): a large fleet's values would overflow the call's arguments.
    minimum: numbers.reduce((a, b) => Math.min(a, b)),
    maximum: numbers.reduce((a, b) => Math.max(a, b)),
    sumOfSquares,
    variance,
    stdDeviation: Math.sqrt(Math.max(variance, 0)),
  };
}

/** GetCardinality: how many distinct values the aggregation field takes among the matches (default thingName). */
export function getCardinality(
  ctx: EmulatorContext,
  q: { indexName?: string; queryString: string; aggregationField?: string },
): number {
  const { values } = aggregated(ctx, q);
  const field = q.aggregationField ?? ((q.indexName ?? THINGS_INDEX) === THINGS_INDEX ? 'thingName' : 'thingGroupName');
  return new Set(values(field).map((v) => String(v).toLowerCase())).size;
}
