import { z } from 'zod';
import { attributes, thingGroupName } from '../../../lib/validation/iot-names';
import { createDynamicThingGroup, deleteDynamicThingGroup, updateDynamicThingGroup } from '../../iot/dynamic-groups';
import { tags } from '../params';
import { ok, parseInput } from '../request';
import type { Route } from '../router';

/** CreateDynamicThingGroup, UpdateDynamicThingGroup, DeleteDynamicThingGroup; the rest is as for any group. */

const properties = z.object({
  thingGroupDescription: z.string().max(2028).optional(),
  attributePayload: z.object({ attributes: attributes.optional(), merge: z.boolean().optional() }).optional(),
});
const query = {
  indexName: z.string().min(1).max(128).optional(),
  queryString: z.string().min(1, 'Member must have length greater than or equal to 1'),
  queryVersion: z.string().optional(),
};
const createBody = z.object({ thingGroupProperties: properties.optional(), tags: tags.optional(), ...query });
const updateBody = z.object({
  thingGroupProperties: properties,
  expectedVersion: z.number().int().optional(),
  ...query,
  queryString: query.queryString.optional(),
});

const nameParam = (params: Readonly<Record<string, string>>) =>
  parseInput(thingGroupName, params.thingGroupName, 'thingGroupName');

export const dynamicThingGroupsRoutes: Route[] = [
  {
    method: 'POST',
    path: '/dynamic-thing-groups/{thingGroupName}',
    operation: 'CreateDynamicThingGroup',
    handler: (req, ctx) => {
      const body = parseInput(createBody, req.json());
      const group = createDynamicThingGroup(ctx, {
        thingGroupName: nameParam(req.params),
        queryString: body.queryString,
        indexName: body.indexName,
        queryVersion: body.queryVersion,
        properties: body.thingGroupProperties,
      });
      return ok({
        thingGroupName: group.thingGroupName,
        thingGroupArn: group.thingGroupArn,
        thingGroupId: group.thingGroupId,
        ...group.dynamic,
      });
    },
  },
  {
    method: 'PATCH',
    path: '/dynamic-thing-groups/{thingGroupName}',
    operation: 'UpdateDynamicThingGroup',
    handler: (req, ctx) => {
      const body = parseInput(updateBody, req.json());
      const group = updateDynamicThingGroup(ctx, nameParam(req.params), {
        properties: body.thingGroupProperties,
        expectedVersion: body.expectedVersion,
        queryString: body.queryString,
        indexName: body.indexName,
        queryVersion: body.queryVersion,
      });
      return ok({ version: group.version });
    },
  },
  {
    method: 'DELETE',
    path: '/dynamic-thing-groups/{thingGroupName}',
    operation: 'DeleteDynamicThingGroup',
    handler: (req, ctx) => {
      const { expectedVersion } = parseInput(
        z.object({ expectedVersion: z.coerce.number().int().optional() }),
        req.queryObject(),
      );
      deleteDynamicThingGroup(ctx, nameParam(req.params), expectedVersion);
      return ok({});
    },
  },
];
