import { z } from 'zod';
import {
  CONNECTIVITY_INDEXING_MODES,
  DEVICE_DEFENDER_INDEXING_MODES,
  FIELD_TYPES,
  managedThingFields,
  managedThingGroupFields,
  NAMED_SHADOW_INDEXING_MODES,
  THING_GROUP_INDEXING_MODES,
  THING_INDEXING_MODES,
} from '../../indexing/configuration';
import {
  getCardinality,
  getStatistics,
  indexingConfiguration,
  searchIndex,
  updateIndexingConfiguration,
} from '../../iot/indexing';
import { ok, parseInput } from '../request';
import type { Route } from '../router';

/** GetIndexingConfiguration, UpdateIndexingConfiguration, SearchIndex, GetStatistics, GetCardinality. */

const modes = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { message: `Member must satisfy enum value set: [${values.join(', ')}]` });

const fields = z
  .array(z.object({ name: z.string().min(1), type: modes(FIELD_TYPES) }))
  .max(100)
  .optional();

const updateBody = z.object({
  thingIndexingConfiguration: z
    .object({
      thingIndexingMode: modes(THING_INDEXING_MODES),
      thingConnectivityIndexingMode: modes(CONNECTIVITY_INDEXING_MODES).optional(),
      deviceDefenderIndexingMode: modes(DEVICE_DEFENDER_INDEXING_MODES).optional(),
      namedShadowIndexingMode: modes(NAMED_SHADOW_INDEXING_MODES).optional(),
      managedFields: fields,
      customFields: fields,
      filter: z
        .object({
          namedShadowNames: z
            .array(
              z
                .string()
                .min(1)
                .max(64)
                .regex(/^[$a-zA-Z0-9:_-]+$/),
            )
            .optional(),
          geoLocations: z.array(z.object({ name: z.string(), order: z.string().optional() })).optional(),
        })
        .optional(),
    })
    .optional(),
  thingGroupIndexingConfiguration: z
    .object({ thingGroupIndexingMode: modes(THING_GROUP_INDEXING_MODES), managedFields: fields, customFields: fields })
    .optional(),
});

const indexName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-zA-Z0-9:_-]+$/, 'Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+');
const queryString = z
  .string({ message: 'Member must not be null' })
  .min(1, 'Member must have length greater than or equal to 1');

const searchBody = z.object({
  indexName: indexName.optional(),
  queryString,
  nextToken: z.string().optional(),
  // AWS: "This maximum number cannot exceed 100."
  maxResults: z.number().int().min(1).max(100, 'Member must have value less than or equal to 100').optional(),
  queryVersion: z.string().optional(),
});

const aggregationBody = z.object({
  indexName: indexName.optional(),
  queryString,
  aggregationField: z.string().min(1).optional(),
  queryVersion: z.string().optional(),
});

export const indexingRoutes: Route[] = [
  {
    method: 'GET',
    path: '/indexing/config',
    operation: 'GetIndexingConfiguration',
    handler: (_req, ctx) => {
      const { thing, thingGroup } = indexingConfiguration(ctx.store);
      return ok({
        thingIndexingConfiguration: {
          thingIndexingMode: thing.thingIndexingMode,
          thingConnectivityIndexingMode: thing.thingConnectivityIndexingMode,
          deviceDefenderIndexingMode: thing.deviceDefenderIndexingMode,
          namedShadowIndexingMode: thing.namedShadowIndexingMode,
          managedFields: managedThingFields(thing),
          customFields: thing.customFields,
          ...(thing.filter ? { filter: thing.filter } : {}),
        },
        thingGroupIndexingConfiguration: {
          thingGroupIndexingMode: thingGroup.thingGroupIndexingMode,
          managedFields: managedThingGroupFields(thingGroup),
          customFields: thingGroup.customFields,
        },
      });
    },
  },
  {
    method: 'POST',
    path: '/indexing/config',
    operation: 'UpdateIndexingConfiguration',
    handler: (req, ctx) => {
      const body = parseInput(updateBody, req.json());
      const thing = body.thingIndexingConfiguration;
      updateIndexingConfiguration(ctx, {
        thing: thing && {
          thingIndexingMode: thing.thingIndexingMode,
          thingConnectivityIndexingMode: thing.thingConnectivityIndexingMode,
          deviceDefenderIndexingMode: thing.deviceDefenderIndexingMode,
          namedShadowIndexingMode: thing.namedShadowIndexingMode,
          customFields: thing.customFields,
          ...(thing.filter?.namedShadowNames ? { filter: { namedShadowNames: thing.filter.namedShadowNames } } : {}),
        },
        thingGroup: body.thingGroupIndexingConfiguration && {
          thingGroupIndexingMode: body.thingGroupIndexingConfiguration.thingGroupIndexingMode,
          customFields: body.thingGroupIndexingConfiguration.customFields,
        },
      });
      return ok({});
    },
  },
  {
    method: 'POST',
    path: '/indices/search',
    operation: 'SearchIndex',
    handler: (req, ctx) => {
      const body = parseInput(searchBody, req.json());
      const { index, page } = searchIndex(ctx, {
        indexName: body.indexName,
        queryString: body.queryString,
        token: body.nextToken,
        limit: body.maxResults ?? 100,
      });
      return ok({ nextToken: page.next, [index === 'AWS_ThingGroups' ? 'thingGroups' : 'things']: page.items });
    },
  },
  {
    method: 'POST',
    path: '/indices/statistics',
    operation: 'GetStatistics',
    handler: (req, ctx) => ok({ statistics: getStatistics(ctx, parseInput(aggregationBody, req.json())) }),
  },
  {
    method: 'POST',
    path: '/indices/cardinality',
    operation: 'GetCardinality',
    handler: (req, ctx) => ok({ cardinality: getCardinality(ctx, parseInput(aggregationBody, req.json())) }),
  },
];
