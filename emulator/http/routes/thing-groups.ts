import { z } from 'zod';
import { attributes, thingGroupName, thingName } from '../../../lib/validation/iot-names';
import {
  addThingToThingGroup,
  ancestors,
  createThingGroup,
  deleteThingGroup,
  listThingGroups,
  removeThingFromThingGroup,
  requireThingGroup,
  updateThingGroup,
  updateThingGroupsForThing,
} from '../../iot/thing-groups';
import { listThingGroupsForThing, listThingsInThingGroup } from '../../iot/group-membership';
import type { ThingGroupRecord } from '../../store/records';
import { epochSeconds } from '../../time';
import { pageSize, queryBoolean, tags } from '../params';
import { ok, parseInput } from '../request';
import type { Route } from '../router';

const properties = z.object({
  thingGroupDescription: z.string().max(2028).optional(),
  attributePayload: z.object({ attributes: attributes.optional(), merge: z.boolean().optional() }).optional(),
});

const updateBody = z.object({
  thingGroupProperties: properties,
  expectedVersion: z.number().int().optional(),
});

const groupList = z.array(thingGroupName).max(10, 'Member must have length less than or equal to 10');
const updateGroupsForThingBody = z.object({
  thingName,
  thingGroupsToAdd: groupList.optional(),
  thingGroupsToRemove: groupList.optional(),
  overrideDynamicGroups: z.boolean().optional(),
});

const createBody = z.object({
  parentGroupName: thingGroupName.optional(),
  thingGroupProperties: properties.optional(),
  tags: tags.optional(),
});

/** AddThingToThingGroup and RemoveThingFromThingGroup name the group and thing by name or ARN. */
const membershipBody = z.object({
  thingGroupName: thingGroupName.optional(),
  thingGroupArn: z.string().optional(),
  thingName: thingName.optional(),
  thingArn: z.string().optional(),
  overrideDynamicGroups: z.boolean().optional(),
});

const listQuery = z.object({ nextToken: z.string().optional(), maxResults: pageSize().optional() });
const recursiveQuery = listQuery.extend({ recursive: queryBoolean.optional() });

const nameParam = (params: Readonly<Record<string, string>>) =>
  parseInput(thingGroupName, params.thingGroupName, 'thingGroupName');

const groupRef = (g: ThingGroupRecord) => ({ groupName: g.thingGroupName, groupArn: g.thingGroupArn });

export const thingGroupsRoutes: Route[] = [
  {
    method: 'PUT',
    path: '/thing-groups/addThingToThingGroup',
    operation: 'AddThingToThingGroup',
    handler: (req, ctx) => {
      addThingToThingGroup(ctx, parseInput(membershipBody, req.json()));
      return ok({});
    },
  },
  {
    method: 'PUT',
    path: '/thing-groups/removeThingFromThingGroup',
    operation: 'RemoveThingFromThingGroup',
    handler: (req, ctx) => {
      removeThingFromThingGroup(ctx, parseInput(membershipBody, req.json()));
      return ok({});
    },
  },
  {
    method: 'PUT',
    path: '/thing-groups/updateThingGroupsForThing',
    operation: 'UpdateThingGroupsForThing',
    handler: (req, ctx) => {
      updateThingGroupsForThing(ctx, parseInput(updateGroupsForThingBody, req.json()));
      return ok({});
    },
  },
  {
    method: 'PATCH',
    path: '/thing-groups/{thingGroupName}',
    operation: 'UpdateThingGroup',
    handler: (req, ctx) => {
      const body = parseInput(updateBody, req.json());
      const group = updateThingGroup(ctx, nameParam(req.params), {
        properties: body.thingGroupProperties,
        expectedVersion: body.expectedVersion,
      });
      return ok({ version: group.version });
    },
  },
  {
    method: 'POST',
    path: '/thing-groups/{thingGroupName}',
    operation: 'CreateThingGroup',
    handler: (req, ctx) => {
      const name = nameParam(req.params);
      const body = parseInput(createBody, req.json());
      const group = createThingGroup(ctx, {
        thingGroupName: name,
        parentGroupName: body.parentGroupName,
        properties: body.thingGroupProperties,
      });
      return ok({ thingGroupName: name, thingGroupArn: group.thingGroupArn, thingGroupId: group.thingGroupId });
    },
  },
  {
    method: 'GET',
    path: '/thing-groups/{thingGroupName}',
    operation: 'DescribeThingGroup',
    handler: (req, ctx) => {
      const group = requireThingGroup(ctx.store, nameParam(req.params));
      return ok({
        thingGroupName: group.thingGroupName,
        thingGroupId: group.thingGroupId,
        thingGroupArn: group.thingGroupArn,
        version: group.version,
        thingGroupProperties: group.properties,
        thingGroupMetadata: {
          parentGroupName: group.parentGroupName,
          rootToParentThingGroups: ancestors(ctx.store, group).map(groupRef),
          creationDate: epochSeconds(group.creationDate),
        },
        // A dynamic group also names its query, and is ACTIVE: its membership is read from the index at once.
        ...(group.dynamic ? { ...group.dynamic, status: 'ACTIVE' } : {}),
      });
    },
  },
  {
    method: 'DELETE',
    path: '/thing-groups/{thingGroupName}',
    operation: 'DeleteThingGroup',
    handler: (req, ctx) => {
      const name = nameParam(req.params);
      const { expectedVersion } = parseInput(
        z.object({ expectedVersion: z.coerce.number().int().optional() }),
        req.queryObject(),
      );
      deleteThingGroup(ctx, name, expectedVersion);
      return ok({});
    },
  },
  {
    method: 'GET',
    path: '/thing-groups',
    operation: 'ListThingGroups',
    handler: (req, ctx) => {
      const q = parseInput(
        recursiveQuery.extend({ parentGroup: thingGroupName.optional(), namePrefixFilter: z.string().optional() }),
        req.queryObject(),
      );
      const page = listThingGroups(ctx, {
        token: q.nextToken,
        limit: q.maxResults ?? 50,
        parentGroup: q.parentGroup,
        namePrefixFilter: q.namePrefixFilter,
        recursive: q.recursive,
      });
      return ok({ thingGroups: page.items.map(groupRef), nextToken: page.next });
    },
  },
  {
    method: 'GET',
    path: '/thing-groups/{thingGroupName}/things',
    operation: 'ListThingsInThingGroup',
    handler: (req, ctx) => {
      const name = nameParam(req.params);
      const q = parseInput(recursiveQuery, req.queryObject());
      const page = listThingsInThingGroup(ctx, name, {
        token: q.nextToken,
        limit: q.maxResults ?? 50,
        recursive: q.recursive,
      });
      return ok({ things: page.items, nextToken: page.next });
    },
  },
  {
    method: 'GET',
    path: '/things/{thingName}/thing-groups',
    operation: 'ListThingGroupsForThing',
    handler: (req, ctx) => {
      const name = parseInput(thingName, req.params.thingName, 'thingName');
      const q = parseInput(listQuery, req.queryObject());
      const page = listThingGroupsForThing(ctx, name, { token: q.nextToken, limit: q.maxResults ?? 25 });
      return ok({ thingGroups: page.items.map(groupRef), nextToken: page.next });
    },
  },
];
