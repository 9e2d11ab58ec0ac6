import { randomUUID } from 'node:crypto';
import { arns } from '../config';
import type { EmulatorContext } from '../context';
import { alreadyExists, invalidRequest, versionConflict } from '../errors';
import { QUERY_VERSION, THINGS_INDEX } from '../indexing/configuration';
import { thingDocument } from '../indexing/documents';
import { matches } from '../indexing/match';
import type { ThingGroupRecord } from '../store/records';
import { indexingConfiguration, parseIndexQuery, requireThingIndex, thingsMatching } from './indexing';
import { requireThingGroup, type ThingGroupUpdate, updateThingGroup } from './thing-groups';
import { inTransaction, type Reader, type Transaction } from './transaction';

/**
 * Dynamic thing groups: a thing group whose members are the things a fleet indexing query matches, evaluated
 * from the index whenever membership is asked for (ListThingsInThingGroup, ListThingGroupsForThing), so a
 * thing joins or leaves as soon as its registry data, shadow or connectivity changes. They need thing
 * indexing on, take no manual members, and are created, updated and deleted with their own operations.
 */

export interface NewDynamicThingGroup {
  thingGroupName: string;
  queryString: string;
  indexName?: string;
  queryVersion?: string;
  properties?: ThingGroupRecord['properties'];
}

function checkIndex(indexName: string | undefined) {
  if (indexName !== undefined && indexName !== THINGS_INDEX) {
    throw invalidRequest(`Dynamic thing groups query the ${THINGS_INDEX} index; ${indexName} cannot be used.`);
  }
}

export function createDynamicThingGroup(
  ctx: EmulatorContext,
  input: NewDynamicThingGroup,
  tx?: Transaction,
): ThingGroupRecord {
  return inTransaction(ctx, tx, (tx) => {
    requireThingIndex(tx);
    checkIndex(input.indexName);
    parseIndexQuery(input.queryString);
    const name = input.thingGroupName;
    const existing = tx.c.thingGroups.get(name);
    if (existing) {
      throw alreadyExists(
        `Thing Group ${name} already exists in current account`,
        existing.thingGroupId,
        existing.thingGroupArn,
      );
    }
    const group: ThingGroupRecord = {
      thingGroupName: name,
      thingGroupId: randomUUID(),
      thingGroupArn: arns(ctx.config).thingGroup(name),
      version: 1,
      properties: input.properties ?? {},
      creationDate: ctx.now(),
      dynamic: {
        indexName: THINGS_INDEX,
        queryString: input.queryString,
        queryVersion: input.queryVersion ?? QUERY_VERSION,
      },
    };
    tx.put('thingGroups', name, group);
    return group;
  });
}

function requireDynamic(
  r: Reader,
  name: string,
): ThingGroupRecord & { dynamic: NonNullable<ThingGroupRecord['dynamic']> } {
  const group = requireThingGroup(r, name);
  if (!group.dynamic) throw invalidRequest(`Thing group ${name} is not a dynamic thing group.`);
  return group as ThingGroupRecord & { dynamic: NonNullable<ThingGroupRecord['dynamic']> };
}

/** UpdateDynamicThingGroup: properties as UpdateThingGroup, and a new query when given. */
export function updateDynamicThingGroup(
  ctx: EmulatorContext,
  name: string,
  update: ThingGroupUpdate & { queryString?: string; indexName?: string; queryVersion?: string },
  tx?: Transaction,
): ThingGroupRecord {
  return inTransaction(ctx, tx, (tx) => {
    const group = requireDynamic(tx, name);
    if (update.expectedVersion !== undefined && update.expectedVersion !== group.version) {
      throw versionConflict(`The version for thing group ${name} does not match the expected version.`);
    }
    checkIndex(update.indexName);
    if (update.queryString !== undefined) parseIndexQuery(update.queryString);
    const updated = updateThingGroup(ctx, name, { properties: update.properties }, tx);
    const next: ThingGroupRecord = {
      ...updated,
      dynamic: {
        ...group.dynamic,
        ...(update.queryString !== undefined ? { queryString: update.queryString } : {}),
        ...(update.queryVersion !== undefined ? { queryVersion: update.queryVersion } : {}),
      },
    };
    tx.put('thingGroups', name, next);
    return next;
  });
}

/** DeleteDynamicThingGroup: a group that does not exist is deleted already; a static one is refused. */
export function deleteDynamicThingGroup(
  ctx: EmulatorContext,
  name: string,
  expectedVersion?: number,
  tx?: Transaction,
) {
  inTransaction(ctx, tx, (tx) => {
    if (!tx.c.thingGroups.has(name)) return;
    const group = requireDynamic(tx, name);
    if (expectedVersion !== undefined && expectedVersion !== group.version) {
      throw versionConflict(`The version for thing group ${name} does not match the expected version.`);
    }
    tx.delete('thingGroups', name);
    for (const key of tx.c.policyAttachments.keysBy('target', group.thingGroupArn)) tx.delete('policyAttachments', key);
  });
}

/** The things a dynamic group's query matches now, by name. */
export function dynamicMembers(r: Reader, group: ThingGroupRecord): string[] {
  if (!group.dynamic) return [];
  // Indexing turned off under the group (it cannot be through the API): no members rather than an error.
  if (indexingConfiguration(r).thing.thingIndexingMode === 'OFF') return [];
  return thingsMatching(r, parseIndexQuery(group.dynamic.queryString));
}

/** The dynamic groups whose query matches this thing now. */
export function dynamicGroupsOf(r: Reader, thingName: string): ThingGroupRecord[] {
  const config = indexingConfiguration(r).thing;
  const thing = r.c.things.get(thingName);
  if (!thing || config.thingIndexingMode === 'OFF') return [];
  const dynamic = [...r.c.thingGroups.values()].filter((g) => g.dynamic);
  if (!dynamic.length) return [];
  const { fields } = thingDocument(r, thing, config);
  return dynamic.filter((g) => matches(parseIndexQuery(g.dynamic!.queryString), fields));
}
