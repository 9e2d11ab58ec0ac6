import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  attributeName,
  attributes,
  attributeValue,
  MAX_ATTRIBUTES_WITH_TYPE,
  MAX_ATTRIBUTES_WITHOUT_TYPE,
  thingName,
  thingTypeName,
} from '../../../lib/validation/iot-names';
import { arns } from '../../config';
import type { EmulatorContext } from '../../context';
import { alreadyExists, invalidRequest, notFound, versionConflict } from '../../errors';
import type { ThingRecord } from '../../store/records';
import { paginate, pageSize } from '../paginate';
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

export function requireThing(ctx: EmulatorContext, name: string): ThingRecord {
  const thing = ctx.store.c.things.get(name);
  if (!thing) throw notFound(`Thing ${name} cannot be found.`);
  return thing;
}

/** A thing type must exist and, for new things, not be deprecated. */
function checkThingType(ctx: EmulatorContext, typeName: string) {
  const type = ctx.store.c.thingTypes.get(typeName);
  if (!type) throw notFound(`Thing type ${typeName} cannot be found.`);
  if (type.deprecated) throw invalidRequest(`Can not create or update a thing with deprecated thing type ${typeName}.`);
}

function checkAttributeCount(attrs: Record<string, string>, typed: boolean) {
  const max = typed ? MAX_ATTRIBUTES_WITH_TYPE : MAX_ATTRIBUTES_WITHOUT_TYPE;
  if (Object.keys(attrs).length > max) {
    throw invalidRequest(
      `A thing ${typed ? 'with' : 'without'} a thing type can have at most ${max} attributes; got ${Object.keys(attrs).length}.`,
    );
  }
}

const sameAttributes = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

export const thingsRoutes: Route[] = [
  {
    method: 'POST',
    path: '/things/{thingName}',
    operation: 'CreateThing',
    handler: (req, ctx) => {
      const name = parseInput(thingName, req.params.thingName, 'thingName');
      const body = parseInput(createThingBody, req.json());
      const attrs = body.attributePayload?.attributes ?? {};
      const existing = ctx.store.c.things.get(name);
      if (existing) {
        // CreateThing is idempotent: the same name with the same configuration answers as the first call did.
        const same =
          existing.thingTypeName === body.thingTypeName &&
          existing.billingGroupName === body.billingGroupName &&
          sameAttributes(existing.attributes, attrs);
        if (!same) {
          throw alreadyExists(
            `Thing ${name} already exists in account with different attributes`,
            existing.thingId,
            existing.thingArn,
          );
        }
        return ok({ thingName: name, thingArn: existing.thingArn, thingId: existing.thingId });
      }
      if (body.thingTypeName) checkThingType(ctx, body.thingTypeName);
      checkAttributeCount(attrs, Boolean(body.thingTypeName));
      const thing: ThingRecord = {
        thingName: name,
        thingId: randomUUID(),
        thingArn: arns(ctx.config).thing(name),
        thingTypeName: body.thingTypeName,
        billingGroupName: body.billingGroupName,
        attributes: attrs,
        version: 1,
        createdAt: ctx.now(),
      };
      ctx.store.commit((tx) => tx.put('things', name, thing));
      return ok({ thingName: name, thingArn: thing.thingArn, thingId: thing.thingId });
    },
  },
  {
    method: 'GET',
    path: '/things/{thingName}',
    operation: 'DescribeThing',
    handler: (req, ctx) => {
      const thing = requireThing(ctx, parseInput(thingName, req.params.thingName, 'thingName'));
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
      const name = parseInput(thingName, req.params.thingName, 'thingName');
      const body = parseInput(updateThingBody, req.json());
      const thing = requireThing(ctx, name);
      if (body.expectedVersion !== undefined && body.expectedVersion !== thing.version) {
        throw versionConflict(
          `The version for thing ${name} does not match the expected version (expected ${body.expectedVersion}, current ${thing.version}).`,
        );
      }
      if (body.removeThingType && body.thingTypeName) {
        throw invalidRequest('removeThingType and thingTypeName cannot both be given.');
      }
      if (body.thingTypeName && body.thingTypeName !== thing.thingTypeName) checkThingType(ctx, body.thingTypeName);
      const typeName = body.removeThingType ? undefined : (body.thingTypeName ?? thing.thingTypeName);

      let attrs = thing.attributes;
      const payload = body.attributePayload;
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
      ctx.store.commit((tx) => tx.put('things', name, updated));
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/things/{thingName}',
    operation: 'DeleteThing',
    handler: (req, ctx) => {
      const name = parseInput(thingName, req.params.thingName, 'thingName');
      const { expectedVersion } = parseInput(expectedVersionQuery, req.queryObject());
      const thing = ctx.store.c.things.get(name);
      // Deleting a thing that does not exist succeeds, as on AWS.
      if (!thing) return ok({});
      if (expectedVersion !== undefined && expectedVersion !== thing.version) {
        throw versionConflict(`The version for thing ${name} does not match the expected version.`);
      }
      const principals = ctx.store.c.thingPrincipals.findBy('thing', name);
      if (principals.length > 0) {
        // AWS's own wording, with the principals named so an operator knows what to detach.
        throw invalidRequest(
          `Cannot delete. Thing ${name} is still attached to one or more principals: ${principals.map((p) => p.principal).join(', ')}`,
        );
      }
      const memberships = ctx.store.c.thingGroupMembers.keysBy('thing', name);
      ctx.store.commit((tx) => {
        tx.delete('things', name);
        for (const key of memberships) tx.delete('thingGroupMembers', key);
      });
      return ok({});
    },
  },
  {
    method: 'GET',
    path: '/things',
    operation: 'ListThings',
    handler: (req, ctx) => {
      const q = parseInput(listThingsQuery, req.queryObject());
      if (q.attributeValue !== undefined && q.attributeName === undefined) {
        throw invalidRequest('attributeValue requires attributeName.');
      }
      const prefix = q.usePrefixAttributeValue === 'true';
      const filter = (t: ThingRecord) => {
        if (q.thingTypeName && t.thingTypeName !== q.thingTypeName) return false;
        if (q.attributeName !== undefined) {
          const v = t.attributes[q.attributeName];
          if (v === undefined) return false;
          if (q.attributeValue !== undefined && !(prefix ? v.startsWith(q.attributeValue) : v === q.attributeValue)) {
            return false;
          }
        }
        return true;
      };
      const things = ctx.store.c.things;
      const page = paginate(things.sortedKeys(), (k) => things.get(k), {
        token: q.nextToken,
        limit: q.maxResults ?? 50,
        filter,
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
