import type { EmulatorContext } from '../context';
import type { ThingGroupRecord } from '../store/records';
import { dynamicGroupsOf, dynamicMembers } from './dynamic-groups';
import { type Page, type PageRequest, paginate } from './paging';
import { descendants, requireThingGroup } from './thing-groups';
import { requireThing } from './things';

/**
 * Who is in which group, static and dynamic alike: static members are stored (AddThingToThingGroup), a
 * dynamic group's members are the things its query matches now (dynamic-groups.ts).
 */

/** ListThingsInThingGroup: thing names, with `recursive` those of its descendant groups too. */
export function listThingsInThingGroup(
  ctx: EmulatorContext,
  name: string,
  q: PageRequest & { recursive?: boolean },
): Page<string> {
  const group = requireThingGroup(ctx.store, name);
  let members: string[];
  if (group.dynamic) {
    members = dynamicMembers(ctx.store, group);
  } else {
    const groupNames = q.recursive ? [name, ...descendants(ctx.store, name)] : [name];
    members = [
      ...new Set(groupNames.flatMap((g) => ctx.store.c.thingGroupMembers.findBy('group', g).map((m) => m.thingName))),
    ].sort();
  }
  return paginate(members, (k) => k, { token: q.token, limit: q.limit });
}

/** ListThingGroupsForThing: its static groups and the dynamic groups whose query matches it, by name. */
export function listThingGroupsForThing(
  ctx: EmulatorContext,
  thingName: string,
  q: PageRequest,
): Page<ThingGroupRecord> {
  requireThing(ctx.store, thingName);
  const groupNames = [
    ...ctx.store.c.thingGroupMembers.findBy('thing', thingName).map((m) => m.thingGroupName),
    ...dynamicGroupsOf(ctx.store, thingName).map((g) => g.thingGroupName),
  ].sort();
  return paginate(groupNames, (k) => ctx.store.c.thingGroups.get(k), { token: q.token, limit: q.limit });
}
