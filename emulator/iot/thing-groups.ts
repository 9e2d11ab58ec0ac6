import { randomUUID } from 'node:crypto';
import { arns } from '../config';
import type { EmulatorContext } from '../context';
import { alreadyExists, invalidRequest, notFound, versionConflict } from '../errors';
import { pairKey, type ThingGroupRecord, type ThingRecord } from '../store/records';
import { type Page, type PageRequest, paginate } from './paging';
import { requireThing, sameAttributes } from './things';
import { inTransaction, type Reader, type Transaction } from './transaction';

/** Static thing groups: their hierarchy, their members, and what deleting one takes with it. */

export function requireThingGroup(r: Reader, name: string): ThingGroupRecord {
  const group = r.c.thingGroups.get(name);
  if (!group) throw notFound(`Thing group ${name} cannot be found.`);
  return group;
}

/** Ancestors from the root down to the direct parent, as DescribeThingGroup reports them. */
export function ancestors(r: Reader, group: ThingGroupRecord): ThingGroupRecord[] {
  const chain: ThingGroupRecord[] = [];
  let parent = group.parentGroupName ? r.c.thingGroups.get(group.parentGroupName) : undefined;
  while (parent) {
    chain.unshift(parent);
    parent = parent.parentGroupName ? r.c.thingGroups.get(parent.parentGroupName) : undefined;
  }
  return chain;
}

/** The group itself and then its ancestors up to the root (policies attached to any of them reach its things). */
export function groupAndAncestors(r: Reader, groupName: string): ThingGroupRecord[] {
  const out: ThingGroupRecord[] = [];
  const seen = new Set<string>();
  let group = r.c.thingGroups.get(groupName);
  while (group && !seen.has(group.thingGroupName)) {
    seen.add(group.thingGroupName);
    out.push(group);
    group = group.parentGroupName ? r.c.thingGroups.get(group.parentGroupName) : undefined;
  }
  return out;
}

/** Names of every group below `name`, breadth first. */
export function descendants(r: Reader, name: string): string[] {
  const out: string[] = [];
  const queue = [name];
  while (queue.length) {
    const next = queue.shift()!;
    for (const child of r.c.thingGroups.keysBy('parent', next)) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

export interface NewThingGroup {
  thingGroupName: string;
  parentGroupName?: string;
  properties?: ThingGroupRecord['properties'];
}

/** Same description and attributes (absent and empty count as the same). */
function sameProperties(a: ThingGroupRecord['properties'], b: ThingGroupRecord['properties'] = {}): boolean {
  return (
    (a.thingGroupDescription ?? '') === (b.thingGroupDescription ?? '') &&
    sameAttributes(a.attributePayload?.attributes ?? {}, b.attributePayload?.attributes ?? {})
  );
}

/**
 * CreateThingGroup. Like CreateThing it is idempotent: the same name with the same parent and properties answers
 * with the group already there; with different ones it is ResourceAlreadyExistsException in AWS's wording.
 */
export function createThingGroup(ctx: EmulatorContext, input: NewThingGroup, tx?: Transaction): ThingGroupRecord {
  return inTransaction(ctx, tx, (tx) => {
    const name = input.thingGroupName;
    const existing = tx.c.thingGroups.get(name);
    if (existing) {
      const same =
        !existing.dynamic &&
        existing.parentGroupName === input.parentGroupName &&
        sameProperties(existing.properties, input.properties);
      if (same) return existing;
      throw alreadyExists(
        `Thing Group ${name} already exists in current account with different properties`,
        existing.thingGroupId,
        existing.thingGroupArn,
      );
    }
    if (input.parentGroupName) requireThingGroup(tx, input.parentGroupName);
    const group: ThingGroupRecord = {
      thingGroupName: name,
      thingGroupId: randomUUID(),
      thingGroupArn: arns(ctx.config).thingGroup(name),
      parentGroupName: input.parentGroupName,
      version: 1,
      properties: input.properties ?? {},
      creationDate: ctx.now(),
    };
    tx.put('thingGroups', name, group);
    return group;
  });
}

/**
 * DeleteThingGroup. A group that does not exist is deleted already; one with child groups is refused; its
 * memberships and the policies attached to it go with it.
 */
export function deleteThingGroup(ctx: EmulatorContext, name: string, expectedVersion?: number, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    const group = tx.c.thingGroups.get(name);
    if (!group) return;
    if (expectedVersion !== undefined && expectedVersion !== group.version) {
      throw versionConflict(`The version for thing group ${name} does not match the expected version.`);
    }
    if (tx.c.thingGroups.keysBy('parent', name).length > 0) {
      throw invalidRequest(`Cannot delete thing group ${name} because it has child groups.`);
    }
    const members = tx.c.thingGroupMembers.keysBy('group', name);
    const policies = tx.c.policyAttachments.keysBy('target', group.thingGroupArn);
    tx.delete('thingGroups', name);
    for (const key of members) tx.delete('thingGroupMembers', key);
    for (const key of policies) tx.delete('policyAttachments', key);
  });
}

export interface ThingGroupUpdate {
  expectedVersion?: number;
  properties?: ThingGroupRecord['properties'] & { attributePayload?: { merge?: boolean } };
}

/**
 * UpdateThingGroup: a description given replaces the old one (an empty one removes it); attributes follow
 * UpdateThing's rules (merge folds them in, otherwise they replace; an empty value removes an attribute).
 * Every update bumps the group's version.
 */
export function updateThingGroup(
  ctx: EmulatorContext,
  name: string,
  update: ThingGroupUpdate,
  tx?: Transaction,
): ThingGroupRecord {
  return inTransaction(ctx, tx, (tx) => {
    const group = requireThingGroup(tx, name);
    if (update.expectedVersion !== undefined && update.expectedVersion !== group.version) {
      throw versionConflict(`The version for thing group ${name} does not match the expected version.`);
    }
    const properties = { ...group.properties };
    const given = update.properties ?? {};
    if (given.thingGroupDescription !== undefined) {
      if (given.thingGroupDescription) properties.thingGroupDescription = given.thingGroupDescription;
      else delete properties.thingGroupDescription;
    }
    const payload = given.attributePayload;
    if (payload?.attributes) {
      const attributes: Record<string, string> = payload.merge ? { ...properties.attributePayload?.attributes } : {};
      for (const [k, v] of Object.entries(payload.attributes)) {
        if (v === '') delete attributes[k];
        else attributes[k] = v;
      }
      properties.attributePayload = { attributes };
    }
    const updated: ThingGroupRecord = { ...group, properties, version: group.version + 1 };
    tx.put('thingGroups', name, updated);
    return updated;
  });
}

/** AddThingToThingGroup and RemoveThingFromThingGroup name the group and the thing by name or by ARN. */
export interface MembershipRef {
  thingGroupName?: string;
  thingGroupArn?: string;
  thingName?: string;
  thingArn?: string;
}

function resolveMembership(r: Reader, ref: MembershipRef): { group: ThingGroupRecord; thing: ThingRecord } {
  const groupName = ref.thingGroupName ?? ref.thingGroupArn?.split(':thinggroup/')[1];
  const name = ref.thingName ?? ref.thingArn?.split(':thing/')[1];
  if (!groupName) throw invalidRequest('Either thingGroupName or thingGroupArn is required.');
  if (!name) throw invalidRequest('Either thingName or thingArn is required.');
  return { group: requireThingGroup(r, groupName), thing: requireThing(r, name) };
}

/** A dynamic group's members come from its query: nobody adds or removes them by hand. */
function checkStatic(group: ThingGroupRecord) {
  if (group.dynamic) {
    throw invalidRequest(
      `Thing group ${group.thingGroupName} is a dynamic thing group: its members are the things its query matches.`,
    );
  }
}

/** AddThingToThingGroup; adding a member again changes nothing. */
export function addThingToThingGroup(ctx: EmulatorContext, ref: MembershipRef, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    const { group, thing } = resolveMembership(tx, ref);
    checkStatic(group);
    const key = pairKey(group.thingGroupName, thing.thingName);
    if (tx.c.thingGroupMembers.has(key)) return;
    tx.put('thingGroupMembers', key, { thingGroupName: group.thingGroupName, thingName: thing.thingName });
  });
}

/** RemoveThingFromThingGroup; removing what is not a member succeeds. */
export function removeThingFromThingGroup(ctx: EmulatorContext, ref: MembershipRef, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    const { group, thing } = resolveMembership(tx, ref);
    checkStatic(group);
    const key = pairKey(group.thingGroupName, thing.thingName);
    if (tx.c.thingGroupMembers.has(key)) tx.delete('thingGroupMembers', key);
  });
}

/**
 * UpdateThingGroupsForThing: adds the thing to some groups and removes it from others in one change. Every group
 * named must exist (nothing changes otherwise); a group in both lists ends up a member, as the adds run last.
 */
export function updateThingGroupsForThing(
  ctx: EmulatorContext,
  input: { thingName: string; thingGroupsToAdd?: string[]; thingGroupsToRemove?: string[] },
  tx?: Transaction,
): void {
  inTransaction(ctx, tx, (tx) => {
    requireThing(tx, input.thingName);
    for (const thingGroupName of input.thingGroupsToRemove ?? []) {
      removeThingFromThingGroup(ctx, { thingGroupName, thingName: input.thingName }, tx);
    }
    for (const thingGroupName of input.thingGroupsToAdd ?? []) {
      addThingToThingGroup(ctx, { thingGroupName, thingName: input.thingName }, tx);
    }
  });
}

export interface ThingGroupsQuery extends PageRequest {
  parentGroup?: string;
  namePrefixFilter?: string;
  /** Default true: with a parent, every descendant; false: only its children (without a parent, only roots). */
  recursive?: boolean;
}

export function listThingGroups(ctx: EmulatorContext, q: ThingGroupsQuery): Page<ThingGroupRecord> {
  const groups = ctx.store.c.thingGroups;
  let scope: Set<string> | undefined;
  if (q.parentGroup) {
    requireThingGroup(ctx.store, q.parentGroup);
    scope = new Set(
      q.recursive === false ? groups.keysBy('parent', q.parentGroup) : descendants(ctx.store, q.parentGroup),
    );
  } else if (q.recursive === false) {
    scope = new Set([...groups.values()].filter((g) => !g.parentGroupName).map((g) => g.thingGroupName));
  }
  return paginate(groups.sortedKeys(), (k) => groups.get(k), {
    token: q.token,
    limit: q.limit,
    filter: (g) =>
      (!scope || scope.has(g.thingGroupName)) &&
      (!q.namePrefixFilter || g.thingGroupName.startsWith(q.namePrefixFilter)),
  });
}
