import { z } from 'zod';
import { attributeName, thingTypeName } from '../../../lib/validation/iot-names';
import {
  createThingType,
  deleteThingType,
  deprecateThingType,
  listThingTypes,
  requireThingType,
} from '../../iot/thing-types';
import type { ThingTypeRecord } from '../../store/records';
import { epochSeconds } from '../../time';
import { pageSize, tags } from '../params';
import { ok, parseInput } from '../request';
import type { Route } from '../router';

const description = z
  .string()
  .max(2028)
  .regex(/^[\x20-\x7e\p{L}\p{N}\p{P}\p{S}]*$/u, 'must be printable');

const createBody = z.object({
  thingTypeProperties: z
    .object({
      thingTypeDescription: description.optional(),
      searchableAttributes: z.array(attributeName).max(3).optional(),
    })
    .optional(),
  tags: tags.optional(),
});

const listQuery = z.object({
  nextToken: z.string().optional(),
  maxResults: pageSize().optional(),
  thingTypeName: thingTypeName.optional(),
});

const nameParam = (params: Readonly<Record<string, string>>) =>
  parseInput(thingTypeName, params.thingTypeName, 'thingTypeName');

const describe = (t: ThingTypeRecord) => ({
  thingTypeName: t.thingTypeName,
  thingTypeId: t.thingTypeId,
  thingTypeArn: t.thingTypeArn,
  thingTypeProperties: t.properties,
  thingTypeMetadata: {
    deprecated: t.deprecated,
    deprecationDate: t.deprecationDate === undefined ? undefined : epochSeconds(t.deprecationDate),
    creationDate: epochSeconds(t.creationDate),
  },
});

export const thingTypesRoutes: Route[] = [
  {
    method: 'POST',
    path: '/thing-types/{thingTypeName}',
    operation: 'CreateThingType',
    handler: (req, ctx) => {
      const name = nameParam(req.params);
      const body = parseInput(createBody, req.json());
      const type = createThingType(ctx, name, body.thingTypeProperties ?? {});
      return ok({ thingTypeName: name, thingTypeArn: type.thingTypeArn, thingTypeId: type.thingTypeId });
    },
  },
  {
    method: 'GET',
    path: '/thing-types/{thingTypeName}',
    operation: 'DescribeThingType',
    handler: (req, ctx) => ok(describe(requireThingType(ctx.store, nameParam(req.params)))),
  },
  {
    method: 'GET',
    path: '/thing-types',
    operation: 'ListThingTypes',
    handler: (req, ctx) => {
      const q = parseInput(listQuery, req.queryObject());
      const page = listThingTypes(ctx, {
        token: q.nextToken,
        limit: q.maxResults ?? 50,
        thingTypeName: q.thingTypeName,
      });
      return ok({
        thingTypes: page.items.map((t) => {
          const { thingTypeId: _id, ...rest } = describe(t);
          return rest;
        }),
        nextToken: page.next,
      });
    },
  },
  {
    method: 'POST',
    path: '/thing-types/{thingTypeName}/deprecate',
    operation: 'DeprecateThingType',
    handler: (req, ctx) => {
      const name = nameParam(req.params);
      const { undoDeprecate } = parseInput(z.object({ undoDeprecate: z.boolean().optional() }), req.json());
      deprecateThingType(ctx, name, undoDeprecate ?? false);
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/thing-types/{thingTypeName}',
    operation: 'DeleteThingType',
    handler: (req, ctx) => {
      deleteThingType(ctx, nameParam(req.params));
      return ok({});
    },
  },
];
