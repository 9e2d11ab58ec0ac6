import { randomUUID } from 'node:crypto';
import { MAX_ATTRIBUTES_WITH_TYPE, MAX_ATTRIBUTES_WITHOUT_TYPE } from '../../lib/validation/iot-names';
import { arns } from '../config';
import type { EmulatorContext } from '../context';
import { alreadyExists, invalidRequest, notFound, versionConflict } from '../errors';
import type { ThingRecord } from '../store/records';
import { type Page, type PageRequest, paginate } from './paging';
import { checkThingTypeUsable } from './thing-types';
import { inTransaction, type Reader, type Transaction } from './transaction';

/** Things: CreateThing, UpdateThing, DeleteThing, ListThings, with AWS's rules on types, attributes and versions. */

export function requireThing(r: Reader, name: string): ThingRecord {
  const thing = r.c.things.get(name);
  if (!thing) throw notFound(`Thing ${name} cannot be found.`);
  return thing;
}

/** AWS's attribute limits: more with a thing type than without. */
function checkAttributeCount(attrs: Record<string, string>, typed: boolean) {
  const max = typed ? MAX_ATTRIBUTES_WITH_TYPE : MAX_ATTRIBUTES_WITHOUT_TYPE;
  if (Object.keys(attrs).length > max) {
    throw invalidRequest(
      `A thing ${typed ? 'with' : 'without'} a thing type can have at most ${max} attributes; got ${Object.keys(attrs).length}.`,
    );
  }
}

export const sameAttributes = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

export interface NewThing {
  thingName: string;
  thingTypeName?: string;
  attributes?: Record<string, string>;
  billingGroupName?: string;
}

/** CreateThing. Idempotent: the same name with the same configuration answers with the thing already there. */
export function createThing(ctx: EmulatorContext, input: NewThing, tx?: Transaction): ThingRecord {
  return inTransaction(ctx, tx, (tx) => {
    const name = input.thingName;
    const attrs = input.attributes ?? {};
    const existing = tx.c.things.get(name);
    if (existing) {
      const same =
        existing.thingTypeName === input.thingTypeName &&
        existing.billingGroupName === input.billingGroupName &&
        sameAttributes(existing.attributes, attrs);
      if (!same) {
        throw alreadyExists(
          `Thing ${name} already exists in account with different attributes`,
          existing.thingId,
          existing.thingArn,
        );
      }
      return existing;
    }
    if (input.thingTypeName) checkThingTypeUsable(tx, input.thingTypeName);
    checkAttributeCount(attrs, Boolean(input.thingTypeName));
    const thing: ThingRecord = {
      thingName: name,
      thingId: randomUUID(),
      thingArn: arns(ctx.config).thing(name),
      thingTypeName: input.thingTypeName,
      billingGroupName: input.billingGroupName,
      attributes: attrs,
      version: 1,
      createdAt: ctx.now(),
    };
    tx.put('things', name, thing);
    return thing;
  });
}

export interface ThingUpdate {
  expectedVersion?: number;
  thingTypeName?: string;
  removeThingType?: boolean;
  attributePayload?: { attributes?: Record<string, string>; merge?: boolean };
}

/** UpdateThing: each update bumps the thing's version. */
export function updateThing(ctx: EmulatorContext, name: string, update: ThingUpdate, tx?: Transaction): ThingRecord {
  return inTransaction(ctx, tx, (tx) => {
    const thing = requireThing(tx, name);
    if (update.expectedVersion !== undefined && update.expectedVersion !== thing.version) {
      throw versionConflict(
        `The version for thing ${name} does not match the expected version (expected ${update.expectedVersion}, current ${thing.version}).`,
      );
    }
    if (update.removeThingType && update.thingTypeName) {
      throw invalidRequest('removeThingType and thingTypeName cannot both be given.');
    }
    if (update.thingTypeName && update.thingTypeName !== thing.thingTypeName) {
      checkThingTypeUsable(tx, update.thingTypeName);
    }
    const typeName = update.removeThingType ? undefined : (update.thingTypeName ?? thing.thingTypeName);

    let attrs = thing.attributes;
    const payload = update.attributePayload;
    if (payload?.attributes) {
      // merge=true folds the given attributes into the stored ones; otherwise they replace them.
      // In both cases an empty value removes that attribute.
      const base = payload.merge ? { ...thing.attributes } : {};
      for (const [k, v] of Object.entries(payload.attributes)) {
        if (v === '') delete base[k];
        else base[k] = v;
      }
      attrs = base;
    }
    checkAttributeCount(attrs, Boolean(typeName));
    const updated: ThingRecord = { ...thing, thingTypeName: typeName, attributes: attrs, version: thing.version + 1 };
    tx.put('things', name, updated);
    return updated;
  });
}

/**
 * DeleteThing. A thing that does not exist is deleted already (AWS answers success); one still attached to a
 * principal is refused; its group memberships go with it.
 */
export function deleteThing(ctx: EmulatorContext, name: string, expectedVersion?: number, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    const thing = tx.c.things.get(name);
    if (!thing) return;
    if (expectedVersion !== undefined && expectedVersion !== thing.version) {
      throw versionConflict(`The version for thing ${name} does not match the expected version.`);
    }
    if (tx.c.thingPrincipals.keysBy('thing', name).length > 0) {
      // AWS's exact wording (it names no principal: ListThingPrincipals does).
      throw invalidRequest(`Cannot delete. Thing ${name} is still attached to one or more principals`);
    }
    tx.delete('things', name);
    for (const key of tx.c.thingGroupMembers.keysBy('thing', name)) tx.delete('thingGroupMembers', key);
    // Fleet indexing's connectivity goes with the thing: one made again later starts as never connected.
    if (tx.c.connectivity.has(name)) tx.delete('connectivity', name);
  });
}

export interface ThingsQuery extends PageRequest {
  thingTypeName?: string;
  attributeName?: string;
  attributeValue?: string;
  /** Match attributeValue as a prefix of the attribute's value. */
  usePrefixAttributeValue?: boolean;
}

/** ListThings, in name order, filtered by thing type and one attribute. */
export function listThings(ctx: EmulatorContext, q: ThingsQuery): Page<ThingRecord> {
  if (q.attributeValue !== undefined && q.attributeName === undefined) {
    throw invalidRequest('attributeValue requires attributeName.');
  }
  const filter = (t: ThingRecord) => {
    if (q.thingTypeName && t.thingTypeName !== q.thingTypeName) return false;
    if (q.attributeName !== undefined) {
      const v = t.attributes[q.attributeName];
      if (v === undefined) return false;
      if (q.attributeValue === undefined) return true;
      return q.usePrefixAttributeValue ? v.startsWith(q.attributeValue) : v === q.attributeValue;
    }
    return true;
  };
  const things = ctx.store.c.things;
  return paginate(things.sortedKeys(), (k) => things.get(k), { token: q.token, limit: q.limit, filter });
}
