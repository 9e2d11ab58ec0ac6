import { randomUUID } from 'node:crypto';
import { arns } from '../config';
import type { EmulatorContext } from '../context';
import { alreadyExists, invalidRequest, notFound } from '../errors';
import type { ThingTypeRecord } from '../store/records';
import { type Page, type PageRequest, paginate } from './paging';
import { inTransaction, type Reader, type Transaction } from './transaction';

/** Thing types: CreateThingType, DeprecateThingType, DeleteThingType and the rule things follow about them. */

export function requireThingType(r: Reader, name: string): ThingTypeRecord {
  const type = r.c.thingTypes.get(name);
  if (!type) throw notFound(`Thing type ${name} cannot be found.`);
  return type;
}

/** A thing may only be given a type that exists and is not deprecated. */
export function checkThingTypeUsable(r: Reader, name: string): void {
  const type = requireThingType(r, name);
  if (type.deprecated) throw invalidRequest(`Can not create or update a thing with deprecated thing type ${name}.`);
}

export function createThingType(
  ctx: EmulatorContext,
  name: string,
  properties: ThingTypeRecord['properties'],
  tx?: Transaction,
): ThingTypeRecord {
  return inTransaction(ctx, tx, (tx) => {
    const existing = tx.c.thingTypes.get(name);
    if (existing)
      throw alreadyExists(`Thing type ${name} already exists.`, existing.thingTypeId, existing.thingTypeArn);
    const type: ThingTypeRecord = {
      thingTypeName: name,
      thingTypeId: randomUUID(),
      thingTypeArn: arns(ctx.config).thingType(name),
      properties,
      deprecated: false,
      creationDate: ctx.now(),
    };
    tx.put('thingTypes', name, type);
    return type;
  });
}

/** DeprecateThingType, or with `undo` its reversal. */
export function deprecateThingType(ctx: EmulatorContext, name: string, undo: boolean, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    const type = requireThingType(tx, name);
    const updated: ThingTypeRecord = undo
      ? { ...type, deprecated: false, deprecationDate: undefined }
      : { ...type, deprecated: true, deprecationDate: ctx.now() };
    tx.put('thingTypes', name, updated);
  });
}

export function deleteThingType(ctx: EmulatorContext, name: string, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    const type = requireThingType(tx, name);
    // AWS only deletes a deprecated type (it also waits five minutes after deprecation; we do not).
    if (!type.deprecated) throw invalidRequest(`Thing type ${name} must be deprecated before it can be deleted.`);
    if (tx.c.things.keysBy('type', name).length > 0) {
      throw invalidRequest(`Thing type ${name} is still associated with things.`);
    }
    tx.delete('thingTypes', name);
  });
}

export function listThingTypes(
  ctx: EmulatorContext,
  query: PageRequest & { thingTypeName?: string },
): Page<ThingTypeRecord> {
  const types = ctx.store.c.thingTypes;
  return paginate(types.sortedKeys(), (k) => types.get(k), {
    token: query.token,
    limit: query.limit,
    filter: (t) => !query.thingTypeName || t.thingTypeName === query.thingTypeName,
  });
}
