import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { attributeName, thingTypeName } from '../../../lib/validation/iot-names';
import { arns } from '../../config';
import type { EmulatorContext } from '../../context';
import { alreadyExists, invalidRequest, notFound } from '../../errors';
import type { ThingTypeRecord } from '../../store/records';
import { epochSeconds } from '../../time';
import { paginate, pageSize } from '../paginate';
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
  tags: z.array(z.object({ Key: z.string(), Value: z.string().optional() })).optional(),
});

function requireType(ctx: EmulatorContext, name: string): ThingTypeRecord {
  const type = ctx.store.c.thingTypes.get(name);
  if (!type) throw notFound(`Thing type ${name} cannot be found.`);
  return type;
}

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
      const name = parseInput(thingTypeName, req.params.thingTypeName, 'thingTypeName');
      const body = parseInput(createBody, req.json());
      const existing = ctx.store.c.thingTypes.get(name);
      if (existing) {
        throw alreadyExists(`Thing type ${name} already exists.`, existing.thingTypeId, existing.thingTypeArn);
      }
      const type: ThingTypeRecord = {
        thingTypeName: name,
        thingTypeId: randomUUID(),
        thingTypeArn: arns(ctx.config).thingType(name),
        properties: body.thingTypeProperties ?? {},
        deprecated: false,
        creationDate: ctx.now(),
      };
      ctx.store.commit((tx) => tx.put('thingTypes', name, type));
      return ok({ thingTypeName: name, thingTypeArn: type.thingTypeArn, thingTypeId: type.thingTypeId });
    },
  },
  {
    method: 'GET',
    path: '/thing-types/{thingTypeName}',
    operation: 'DescribeThingType',
    handler: (req, ctx) =>
      ok(describe(requireType(ctx, parseInput(thingTypeName, req.params.thingTypeName, 'thingTypeName')))),
  },
  {
    method: 'GET',
    path: '/thing-types',
    operation: 'ListThingTypes',
    handler: (req, ctx) => {
      const q = parseInput(
        z.object({
          nextToken: z.string().optional(),
          maxResults: pageSize().optional(),
          thingTypeName: thingTypeName.optional(),
        }),
        req.queryObject(),
      );
      const types = ctx.store.c.thingTypes;
      const page = paginate(types.sortedKeys(), (k) => types.get(k), {
        token: q.nextToken,
        limit: q.maxResults ?? 50,
        filter: (t) => !q.thingTypeName || t.thingTypeName === q.thingTypeName,
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
      const name = parseInput(thingTypeName, req.params.thingTypeName, 'thingTypeName');
      const { undoDeprecate } = parseInput(z.object({ undoDeprecate: z.boolean().optional() }), req.json());
      const type = requireType(ctx, name);
      const updated: ThingTypeRecord = undoDeprecate
        ? { ...type, deprecated: false, deprecationDate: undefined }
        : { ...type, deprecated: true, deprecationDate: ctx.now() };
      ctx.store.commit((tx) => tx.put('thingTypes', name, updated));
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/thing-types/{thingTypeName}',
    operation: 'DeleteThingType',
    handler: (req, ctx) => {
      const name = parseInput(thingTypeName, req.params.thingTypeName, 'thingTypeName');
      const type = requireType(ctx, name);
      // AWS only deletes a deprecated type (it also waits five minutes after deprecation; we do not).
      if (!type.deprecated) throw invalidRequest(`Thing type ${name} must be deprecated before it can be deleted.`);
      if (ctx.store.c.things.keysBy('type', name).length > 0) {
        throw invalidRequest(`Thing type ${name} is still associated with things.`);
      }
      ctx.store.commit((tx) => tx.delete('thingTypes', name));
      return ok({});
    },
  },
];
