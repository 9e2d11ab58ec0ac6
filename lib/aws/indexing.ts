import 'server-only';

import {
  GetIndexingConfigurationCommand,
  GetStatisticsCommand,
  SearchIndexCommand,
  type ThingDocument,
} from '@aws-sdk/client-iot';

import { awsErrorName, type CallOptions, callIot } from './call';
import { AppError } from './errors';

/**
 * Fleet indexing: the account's indexing configuration, SearchIndex over `AWS_Things`, GetStatistics. One
 * typed function per operation; queries are built by the callers (lib/fleet, lib/things) with `indexQuery`.
 */

export type ThingIndexingMode = 'OFF' | 'REGISTRY' | 'REGISTRY_AND_SHADOW';

export interface IndexingSettings {
  thingIndexingMode: ThingIndexingMode;
  /** Connectivity (connected, last seen, disconnect reason) is in the index. */
  connectivity: boolean;
  namedShadows: boolean;
  thingGroupIndexing: boolean;
}

/** GetIndexingConfiguration, reduced to what the dashboard decides on. */
export async function getIndexingSettings(options: CallOptions = {}): Promise<IndexingSettings> {
  return callIot(
    'fleet indexing configuration',
    async (client) => {
      const out = await client.send(new GetIndexingConfigurationCommand({}));
      const thing = out.thingIndexingConfiguration;
      const mode = thing?.thingIndexingMode;
      const thingIndexingMode: ThingIndexingMode = mode === 'REGISTRY' || mode === 'REGISTRY_AND_SHADOW' ? mode : 'OFF';
      return {
        thingIndexingMode,
        connectivity: thingIndexingMode !== 'OFF' && thing?.thingConnectivityIndexingMode === 'STATUS',
        namedShadows: thing?.namedShadowIndexingMode === 'ON',
        thingGroupIndexing: out.thingGroupIndexingConfiguration?.thingGroupIndexingMode === 'ON',
      };
    },
    options,
  );
}

export interface IndexedThing {
  name: string;
  id: string | undefined;
  typeName: string | undefined;
  groupNames: string[];
  attributes: Record<string, string>;
  /** Absent unless connectivity indexing is on. */
  connectivity?: { connected: boolean; timestamp?: number; disconnectReason?: string };
  /** The shadow document AWS returns as a JSON string, parsed; absent without shadow indexing or shadow. */
  shadow?: Record<string, unknown>;
}

function toIndexedThing(doc: ThingDocument): IndexedThing {
  let shadow: Record<string, unknown> | undefined;
  if (doc.shadow) {
    try {
      shadow = JSON.parse(doc.shadow) as Record<string, unknown>;
    } catch {
      shadow = undefined;
    }
  }
  const c = doc.connectivity;
  return {
    name: doc.thingName ?? '',
    id: doc.thingId,
    typeName: doc.thingTypeName,
    groupNames: [...(doc.thingGroupNames ?? [])],
    attributes: { ...(doc.attributes ?? {}) },
    ...(c
      ? {
          connectivity: {
            connected: Boolean(c.connected),
            ...(c.timestamp !== undefined ? { timestamp: Number(c.timestamp) } : {}),
            ...(c.disconnectReason ? { disconnectReason: c.disconnectReason } : {}),
          },
        }
      : {}),
    ...(shadow ? { shadow } : {}),
  };
}

/** Index missing (indexing off) and a query AWS refused, in words for the operator. */
function indexError(err: unknown): AppError | undefined {
  const name = awsErrorName(err);
  if (name === 'ResourceNotFoundException') {
    return new AppError('not_found', 'Fleet indexing is off in this account: turn on thing indexing to search.', {
      source: name,
      cause: err,
    });
  }
  if (name === 'InvalidQueryException') {
    return new AppError('invalid_request', 'AWS IoT could not read the search query.', { source: name, cause: err });
  }
  if (name === 'IndexNotReadyException') {
    return new AppError('unavailable', 'The fleet index is still being built; try again shortly.', {
      source: name,
      cause: err,
    });
  }
  return undefined;
}

export interface SearchThingsInput {
  queryString: string;
  /** 1-100 (AWS's maximum for SearchIndex). */
  maxResults?: number;
  nextToken?: string;
}

/** SearchIndex over AWS_Things: one page. */
export async function searchThings(
  input: SearchThingsInput,
  options: CallOptions = {},
): Promise<{ things: IndexedThing[]; nextToken?: string }> {
  return callIot(
    'fleet index',
    async (client) => {
      const out = await client.send(
        new SearchIndexCommand({
          indexName: 'AWS_Things',
          queryString: input.queryString,
          maxResults: input.maxResults === undefined ? undefined : Math.min(Math.max(input.maxResults, 1), 100),
          nextToken: input.nextToken || undefined,
        }),
      );
      const things = (out.things ?? []).map(toIndexedThing);
      return out.nextToken ? { things, nextToken: out.nextToken } : { things };
    },
    { ...options, mapError: indexError },
  );
}

/** GetStatistics over AWS_Things: how many things match. */
export async function countThings(queryString: string, options: CallOptions = {}): Promise<number> {
  return callIot(
    'fleet index',
    async (client) => {
      const out = await client.send(new GetStatisticsCommand({ indexName: 'AWS_Things', queryString }));
      return out.statistics?.count ?? 0;
    },
    { ...options, mapError: indexError },
  );
}

/**
 * A value as a fleet indexing query term: quoted, with `"` and `\` escaped, so names and attribute values
 * with spaces or query syntax in them are matched literally (AWS: "Escaping special characters").
 */
export function quoteTerm(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** A term for a name prefix: the prefix escaped character by character, then `*`. */
export function prefixTerm(prefix: string): string {
  return `${prefix.replace(/[\\"()[\]{}:<>*?\s+\-!^~&|/]/g, '\\$&')}*`;
}
