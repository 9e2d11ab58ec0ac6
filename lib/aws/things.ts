import 'server-only';

import { ListThingsCommand, type ThingAttribute } from '@aws-sdk/client-iot';

import { getIotClient } from './client';
import { describeControlEndpoint, readIotConfig } from './config';
import { toAppError } from './errors';
import type { Thing } from './types';

export interface ListThingsInput {
  nextToken?: string;
  /** 1-250 (the ListThings maximum); AWS defaults to 50 when absent. */
  maxResults?: number;
  thingTypeName?: string;
  attributeName?: string;
  attributeValue?: string;
}

export interface ListThingsResult {
  things: Thing[];
  nextToken?: string;
}

const MAX_RESULTS_LIMIT = 250;

export function toThing(raw: ThingAttribute): Thing {
  return {
    name: raw.thingName ?? '',
    arn: raw.thingArn,
    typeName: raw.thingTypeName,
    attributes: { ...(raw.attributes ?? {}) },
    version: raw.version ?? 0,
  };
}

export async function listThings(input: ListThingsInput = {}): Promise<ListThingsResult> {
  const config = readIotConfig();
  const maxResults =
    input.maxResults === undefined ? undefined : Math.min(Math.max(Math.trunc(input.maxResults), 1), MAX_RESULTS_LIMIT);
  try {
    const out = await getIotClient(config).send(
      new ListThingsCommand({
        nextToken: input.nextToken || undefined,
        maxResults,
        thingTypeName: input.thingTypeName || undefined,
        attributeName: input.attributeName || undefined,
        attributeValue: input.attributeValue || undefined,
      }),
    );
    const things = (out.things ?? []).map(toThing);
    return out.nextToken ? { things, nextToken: out.nextToken } : { things };
  } catch (err) {
    throw toAppError(err, { resource: 'thing list', endpoint: describeControlEndpoint(config) });
  }
}
