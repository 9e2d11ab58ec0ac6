import { z } from 'zod';
import { attributeName, attributes, attributeValue, thingName, thingTypeName } from '../../../lib/validation/iot-names';
import { createThing, deleteThing, listThings, requireThing, updateThing } from '../../iot/things';
import { pageSize } from '../params';
import { ok, parseInput } from '../request';
import type { Route } from '../router';

const attributePayload = z.object({ attributes: attributes.optional(), merge: z.boolean().optional() }).optional();

const createThingBody = z.object({
  thingTypeName: thingTypeName.optional(),
  attributePayload,
  billingGroupName: z.string().min(1).max(128).optional(),
});

const updateThingBody = z.object({
  thingTypeName: thingTypeName.optional(),
  attributePayload,
  expectedVersion: z.number().int().optional(),
  removeThingType: z.boolean().optional(),
});

const listThingsQuery = z.object({
  nextToken: z.string().optional(),
  maxResults: pageSize().optional(),
  attributeName: attributeName.optional(),
  attributeValue: attributeValue.optional(),
  thingTypeName: thingTypeName.optional(),
  usePrefixAttributeValue: z.enum(['true', 'false']).optional(),
});

const expectedVersionQuery = z.object({ expectedVersion: z.coerce.number().int().optional() });

const nameParam = (params: Readonly<Record<string, string>>) => parseInput(thingName, params.thingName, 'thingName');

export const thingsRoutes: Route[] = [
  {
    method: 'POST',
    path: '/things/{thingName}',
    operation: 'CreateThing',
    handler: (req, ctx) => {
      const name = nameParam(req.params);
      const body = parseInput(createThingBody, req.json());
      const thing = createThing(ctx, {
        thingName: name,
        thingTypeName: body.thingTypeName,
        attributes: body.attributePayload?.attributes,
        billingGroupName: body.billingGroupName,
      });
      return ok({ thingName: name, thingArn: thing.thingArn, thingId: thing.thingId });
    },
  },
  {
    method: 'GET',
    path: '/things/{thingName}',
    operation: 'DescribeThing',
    handler: (req, ctx) => {
      const thing = requireThing(ctx.store, nameParam(req.params));
      return ok({
        defaultClientId: thing.thingName,
        thingName: thing.thingName,
        thingId: thing.thingId,
        thingArn: thing.thingArn,
        thingTypeName: thing.thingTypeName,
        attributes: thing.attributes,
        version: thing.version,
        billingGroupName: thing.billingGroupName,
      });
    },
  },
  {
    method: 'PATCH',
    path: '/things/{thingName}',
    operation: 'UpdateThing',
    handler: (req, ctx) => {
      const name = nameParam(req.params);
      updateThing(ctx, name, parseInput(updateThingBody, req.json()));
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/things/{thingName}',
    operation: 'DeleteThing',
    handler: (req, ctx) => {
      const name = nameParam(req.params);
      const { expectedVersion } = parseInput(expectedVersionQuery, req.queryObject());
      deleteThing(ctx, name, expectedVersion);
      return ok({});
    },
  },
  {
    method: 'GET',
    path: '/things',
    operation: 'ListThings',
    handler: (req, ctx) => {
      const q = parseInput(listThingsQuery, req.queryObject());
      const page = listThings(ctx, {
        token: q.nextToken,
        limit: q.maxResults ?? 50,
        thingTypeName: q.thingTypeName,
        attributeName: q.attributeName,
        attributeValue: q.attributeValue,
        usePrefixAttributeValue: q.usePrefixAttributeValue === 'true',
      });
      return ok({
        things: page.items.map((t) => ({
          thingName: t.thingName,
          thingTypeName: t.thingTypeName,
          thingArn: t.thingArn,
          attributes: t.attributes,
          version: t.version,
        })),
        nextToken: page.next,
      });
    },
  },
];
