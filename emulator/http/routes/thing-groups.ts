import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { attributes, thingGroupName, thingName } from '../../../lib/validation/iot-names';
import { arns } from '../../config';
import type { EmulatorContext } from '../../context';
import { alreadyExists, invalidRequest, notFound, versionConflict } from '../../errors';
import { pairKey, type ThingGroupRecord } from '../../store/records';
import { epochSeconds } from '../../time';
import { paginate, pageSize } from '../paginate';
import { ok, parseInput } from '../request';
import type { Route } from '../router';
import { requireThing } from './things';

const properties = z.object({
  thingGroupDescription: z.string().max(2028).optional(),
  attributePayload: z.object({ attributes: attributes.optional(), merge: z.boolean().optional() }).optional(),
});

const createBody = z.object({
  parentGroupName: thingGroupName.optional(),
  thingGroupProperties: properties.optional(),
  tags: z.array(z.object({ Key: z.string(), Value: z.string().optional() })).optional(),
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

function requireGroup(ctx: EmulatorContext, name: string): ThingGroupRecord {
  const group = ctx.store.c.thingGroups.get(name);
  if (!group) throw notFound(`Thing group ${name} cannot be found.`);
  return group;
}

/** Ancestors from the root down to the direct parent, as DescribeThingGroup reports them. */
function ancestors(ctx: EmulatorContext, group: ThingGroupRecord): ThingGroupRecord[] {
  const chain: ThingGroupRecord[] = [];
  let parent = group.parentGroupName ? ctx.store.c.thingGroups.get(group.parentGroupName) : undefined;
  while (parent) {
    chain.unshift(parent);
    parent = parent.parentGroupName ? ctx.store.c.thingGroups.get(parent.parentGroupName) : undefined;
  }
  return chain;
}

function descendants(ctx: EmulatorContext, name: string): string[] {
  const out: string[] = [];
  const queue = [name];
  while (queue.length) {
    const next = queue.shift()!;
    for (const child of ctx.store.c.thingGroups.keysBy('parent', next)) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function resolveMembership(ctx: EmulatorContext, body: z.infer<typeof membershipBody>) {
  const groupName = body.thingGroupName ?? body.thingGroupArn?.split(':thinggroup/')[1];
  const name = body.thingName ?? body.thingArn?.split(':thing/')[1];
  if (!groupName) throw invalidRequest('Either thingGroupName or thingGroupArn is required.');
  if (!name) throw invalidRequest('Either thingName or thingArn is required.');
  return { group: requireGroup(ctx, groupName), thing: requireThing(ctx, name) };
}

const groupRef = (g: ThingGroupRecord) => ({ groupName: g.thingGroupName, groupArn: g.thingGroupArn });

export const thingGroupsRoutes: Route[] = [
  {
    method: 'PUT',
    path: '/thing-groups/addThingToThingGroup',
    operation: 'AddThingToThingGroup',
    handler: (req, ctx) => {
      const { group, thing } = resolveMembership(ctx, parseInput(membershipBody, req.json()));
      const key = pairKey(group.thingGroupName, thing.thingName);
      if (!ctx.store.c.thingGroupMembers.has(key)) {
        ctx.store.commit((tx) =>
          tx.put('thingGroupMembers', key, { thingGroupName: group.thingGroupName, thingName: thing.thingName }),
        );
      }
      return ok({});
    },
  },
  {
    method: 'PUT',
    path: '/thing-groups/removeThingFromThingGroup',
    operation: 'RemoveThingFromThingGroup',
    handler: (req, ctx) => {
      const { group, thing } = resolveMembership(ctx, parseInput(membershipBody, req.json()));
      ctx.store.commit((tx) => tx.delete('thingGroupMembers', pairKey(group.thingGroupName, thing.thingName)));
      return ok({});
    },
  },
  {
    method: 'POST',
    path: '/thing-groups/{thingGroupName}',
    operation: 'CreateThingGroup',
    handler: (req, ctx) => {
      const name = parseInput(thingGroupName, req.params.thingGroupName, 'thingGroupName');
      const body = parseInput(createBody, req.json());
      const existing = ctx.store.c.thingGroups.get(name);
      if (existing) {
        throw alreadyExists(`Thing group ${name} already exists.`, existing.thingGroupId, existing.thingGroupArn);
      }
      if (body.parentGroupName) requireGroup(ctx, body.parentGroupName);
      const group: ThingGroupRecord = {
        thingGroupName: name,
        thingGroupId: randomUUID(),
        thingGroupArn: arns(ctx.config).thingGroup(name),
        parentGroupName: body.parentGroupName,
        version: 1,
        properties: body.thingGroupProperties ?? {},
        creationDate: ctx.now(),
      };
      ctx.store.commit((tx) => tx.put('thingGroups', name, group));
      return ok({ thingGroupName: name, thingGroupArn: group.thingGroupArn, thingGroupId: group.thingGroupId });
    },
  },
  {
    method: 'GET',
    path: '/thing-groups/{thingGroupName}',
    operation: 'DescribeThingGroup',
    handler: (req, ctx) => {
      const group = requireGroup(ctx, parseInput(thingGroupName, req.params.thingGroupName, 'thingGroupName'));
      return ok({
        thingGroupName: group.thingGroupName,
        thingGroupId: group.thingGroupId,
        thingGroupArn: group.thingGroupArn,
        version: group.version,
        thingGroupProperties: group.properties,
        thingGroupMetadata: {
          parentGroupName: group.parentGroupName,
          rootToParentThingGroups: ancestors(ctx, group).map(groupRef),
          creationDate: epochSeconds(group.creationDate),
        },
      });
    },
  },
  {
    method: 'DELETE',
    path: '/thing-groups/{thingGroupName}',
    operation: 'DeleteThingGroup',
    handler: (req, ctx) => {
      const name = parseInput(thingGroupName, req.params.thingGroupName, 'thingGroupName');
      const { expectedVersion } = parseInput(
        z.object({ expectedVersion: z.coerce.number().int().optional() }),
        req.queryObject(),
      );
      const group = ctx.store.c.thingGroups.get(name);
      if (!group) return ok({});
      if (expectedVersion !== undefined && expectedVersion !== group.version) {
        throw versionConflict(`The version for thing group ${name} does not match the expected version.`);
      }
      if (ctx.store.c.thingGroups.keysBy('parent', name).length > 0) {
        throw invalidRequest(`Cannot delete thing group ${name} because it has child groups.`);
      }
      const members = ctx.store.c.thingGroupMembers.keysBy('group', name);
      const policies = ctx.store.c.policyAttachments.keysBy('target', group.thingGroupArn);
      ctx.store.commit((tx) => {
        tx.delete('thingGroups', name);
        for (const key of members) tx.delete('thingGroupMembers', key);
        for (const key of policies) tx.delete('policyAttachments', key);
      });
      return ok({});
    },
  },
  {
    method: 'GET',
    path: '/thing-groups',
    operation: 'ListThingGroups',
    handler: (req, ctx) => {
      const q = parseInput(
        listQuery.extend({
          parentGroup: thingGroupName.optional(),
          namePrefixFilter: z.string().optional(),
          recursive: z.enum(['true', 'false']).optional(),
        }),
        req.queryObject(),
      );
      const groups = ctx.store.c.thingGroups;
      let scope: Set<string> | undefined;
      if (q.parentGroup) {
        requireGroup(ctx, q.parentGroup);
        scope = new Set(
          q.recursive === 'false' ? groups.keysBy('parent', q.parentGroup) : descendants(ctx, q.parentGroup),
        );
      } else if (q.recursive === 'false') {
        scope = new Set([...groups.values()].filter((g) => !g.parentGroupName).map((g) => g.thingGroupName));
      }
      const page = paginate(groups.sortedKeys(), (k) => groups.get(k), {
        token: q.nextToken,
        limit: q.maxResults ?? 50,
        filter: (g) =>
          (!scope || scope.has(g.thingGroupName)) &&
          (!q.namePrefixFilter || g.thingGroupName.startsWith(q.namePrefixFilter)),
      });
      return ok({ thingGroups: page.items.map(groupRef), nextToken: page.next });
    },
  },
  {
    method: 'GET',
    path: '/thing-groups/{thingGroupName}/things',
    operation: 'ListThingsInThingGroup',
    handler: (req, ctx) => {
      const name = parseInput(thingGroupName, req.params.thingGroupName, 'thingGroupName');
      const q = parseInput(listQuery.extend({ recursive: z.enum(['true', 'false']).optional() }), req.queryObject());
      requireGroup(ctx, name);
      const groupNames = q.recursive === 'true' ? [name, ...descendants(ctx, name)] : [name];
      const members = [
        ...new Set(groupNames.flatMap((g) => ctx.store.c.thingGroupMembers.findBy('group', g).map((m) => m.thingName))),
      ].sort();
      const page = paginate(members, (k) => k, { token: q.nextToken, limit: q.maxResults ?? 50 });
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
      requireThing(ctx, name);
      const groupNames = ctx.store.c.thingGroupMembers
        .findBy('thing', name)
        .map((m) => m.thingGroupName)
        .sort();
      const page = paginate(groupNames, (k) => ctx.store.c.thingGroups.get(k), {
        token: q.nextToken,
        limit: q.maxResults ?? 25,
      });
      return ok({ thingGroups: page.items.map(groupRef), nextToken: page.next });
    },
  },
];
