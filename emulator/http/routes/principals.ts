import { z } from 'zod';
import { thingName } from '../../../lib/validation/iot-names';
import type { EmulatorContext } from '../../context';
import { invalidRequest, notFound } from '../../errors';
import { pairKey, type CertificateRecord, type ThingGroupRecord, type ThingPrincipalRecord } from '../../store/records';
import { paginate, pageSize } from '../paginate';
import { ok, parseInput, type ApiRequest } from '../request';
import type { Route } from '../router';
import { requireThing } from './things';

/**
 * Principals: what a policy is attached to and what a thing is attached to. AWS IoT names them by
 * certificate ARN (`arn:aws:iot:{region}:{account}:cert/{certificateId}`), thing group ARN (policies only)
 * or Amazon Cognito identity id (`{region}:{uuid}`).
 */
export type PrincipalRef =
  | { kind: 'certificate'; value: string; certificate: CertificateRecord }
  | { kind: 'thingGroup'; value: string; group: ThingGroupRecord }
  | { kind: 'cognito'; value: string };

const CERT_ARN = /^arn:aws[\w-]*:iot:[\w-]*:\d*:cert\/(.+)$/;
const THING_GROUP_ARN = /^arn:aws[\w-]*:iot:[\w-]*:\d*:thinggroup\/(.+)$/;
const COGNITO_ID = /^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]{36}$/;

/**
 * Resolves a principal string. A certificate or thing group that does not exist in this account and region
 * is ResourceNotFoundException; a string that is none of the known forms is InvalidRequestException.
 */
export function resolvePrincipal(
  ctx: EmulatorContext,
  value: string,
  opts: { allowThingGroup: boolean; label: string },
): PrincipalRef {
  const cert = CERT_ARN.exec(value);
  if (cert) {
    const certificate = ctx.store.c.certificates.get(cert[1]!);
    if (!certificate || certificate.certificateArn !== value) {
      throw notFound(`Certificate ${cert[1]} cannot be found (${value}).`);
    }
    return { kind: 'certificate', value, certificate };
  }
  const group = THING_GROUP_ARN.exec(value);
  if (group && opts.allowThingGroup) {
    const record = ctx.store.c.thingGroups.get(group[1]!);
    if (!record || record.thingGroupArn !== value)
      throw notFound(`Thing group ${group[1]} cannot be found (${value}).`);
    return { kind: 'thingGroup', value, group: record };
  }
  if (COGNITO_ID.test(value)) return { kind: 'cognito', value };
  const forms = opts.allowThingGroup
    ? 'a certificate ARN (arn:aws:iot:region:account:cert/id), a thing group ARN (arn:aws:iot:region:account:thinggroup/name) or an Amazon Cognito identity id (region:id)'
    : 'a certificate ARN (arn:aws:iot:region:account:cert/id) or an Amazon Cognito identity id (region:id)';
  throw invalidRequest(`${opts.label} '${value.slice(0, 300)}' is not valid: expected ${forms}.`);
}

/** The principal named in the `x-amzn-principal` header; AWS requires it. */
function principalHeader(req: ApiRequest): string {
  const value = req.header('x-amzn-principal');
  if (!value)
    throw invalidRequest(
      "1 validation error detected: Value null at 'principal' failed to satisfy constraint: Member must not be null",
    );
  return value;
}

const thingPrincipalType = z.enum(['EXCLUSIVE_THING', 'NON_EXCLUSIVE_THING']);
const attachQuery = z.object({ thingPrincipalType: thingPrincipalType.optional() });
const listQuery = z.object({
  nextToken: z.string().optional(),
  maxResults: pageSize().optional(),
  thingPrincipalType: thingPrincipalType.optional(),
});

function listThingPrincipals(req: ApiRequest, ctx: EmulatorContext) {
  const name = parseInput(thingName, req.params.thingName, 'thingName');
  const q = parseInput(listQuery, req.queryObject());
  requireThing(ctx, name);
  const links = ctx.store.c.thingPrincipals;
  const keys = links.keysBy('thing', name).sort();
  return paginate(keys, (k) => links.get(k), {
    token: q.nextToken,
    limit: q.maxResults ?? 25,
    filter: q.thingPrincipalType ? (p) => p.type === q.thingPrincipalType : undefined,
  });
}

function listPrincipalThings(req: ApiRequest, ctx: EmulatorContext) {
  const principal = principalHeader(req);
  const q = parseInput(listQuery, req.queryObject());
  resolvePrincipal(ctx, principal, { allowThingGroup: false, label: 'Principal' });
  const links = ctx.store.c.thingPrincipals;
  // Keys are pairKey(thing, principal): sorting them orders the page by thing name.
  const keys = links.keysBy('principal', principal).sort();
  return paginate(keys, (k) => links.get(k), {
    token: q.nextToken,
    limit: q.maxResults ?? 25,
    filter: q.thingPrincipalType ? (p) => p.type === q.thingPrincipalType : undefined,
  });
}

export const principalsRoutes: Route[] = [
  {
    method: 'PUT',
    path: '/things/{thingName}/principals',
    operation: 'AttachThingPrincipal',
    handler: (req, ctx) => {
      const name = parseInput(thingName, req.params.thingName, 'thingName');
      const principal = principalHeader(req);
      const { thingPrincipalType: type = 'NON_EXCLUSIVE_THING' } = parseInput(attachQuery, req.queryObject());
      requireThing(ctx, name);
      resolvePrincipal(ctx, principal, { allowThingGroup: false, label: 'Principal' });
      const links = ctx.store.c.thingPrincipals;
      const others = links.findBy('principal', principal).filter((l) => l.thingName !== name);
      // EXCLUSIVE_THING: the thing is the only one attached to the principal, both ways round.
      const exclusive = others.find((l) => l.type === 'EXCLUSIVE_THING');
      if (exclusive) {
        throw invalidRequest(
          `Principal ${principal} is attached exclusively to thing ${exclusive.thingName}; it cannot be attached to another thing.`,
        );
      }
      if (type === 'EXCLUSIVE_THING' && others.length > 0) {
        throw invalidRequest(
          `Principal ${principal} cannot be attached exclusively to thing ${name}: it is already attached to ${others.map((l) => l.thingName).join(', ')}.`,
        );
      }
      const key = pairKey(name, principal);
      const existing = links.get(key);
      // Attaching again is a no-op; asking for another attachment type changes it.
      if (existing && existing.type === type) return ok({});
      const record: ThingPrincipalRecord = {
        thingName: name,
        principal,
        type,
        attachedAt: existing?.attachedAt ?? ctx.now(),
      };
      ctx.store.commit((tx) => tx.put('thingPrincipals', key, record));
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/things/{thingName}/principals',
    operation: 'DetachThingPrincipal',
    handler: (req, ctx) => {
      const name = parseInput(thingName, req.params.thingName, 'thingName');
      const principal = principalHeader(req);
      requireThing(ctx, name);
      const key = pairKey(name, principal);
      // Detaching a principal that is not attached succeeds: the end state is what the caller asked for.
      if (ctx.store.c.thingPrincipals.has(key)) ctx.store.commit((tx) => tx.delete('thingPrincipals', key));
      return ok({});
    },
  },
  {
    method: 'GET',
    path: '/things/{thingName}/principals',
    operation: 'ListThingPrincipals',
    handler: (req, ctx) => {
      const page = listThingPrincipals(req, ctx);
      return ok({ principals: page.items.map((p) => p.principal), nextToken: page.next });
    },
  },
  {
    method: 'GET',
    path: '/things/{thingName}/principals-v2',
    operation: 'ListThingPrincipalsV2',
    handler: (req, ctx) => {
      const page = listThingPrincipals(req, ctx);
      return ok({
        thingPrincipalObjects: page.items.map((p) => ({ principal: p.principal, thingPrincipalType: p.type })),
        nextToken: page.next,
      });
    },
  },
  {
    method: 'GET',
    path: '/principals/things',
    operation: 'ListPrincipalThings',
    handler: (req, ctx) => {
      const page = listPrincipalThings(req, ctx);
      return ok({ things: page.items.map((p) => p.thingName), nextToken: page.next });
    },
  },
  {
    method: 'GET',
    path: '/principals/things-v2',
    operation: 'ListPrincipalThingsV2',
    handler: (req, ctx) => {
      const page = listPrincipalThings(req, ctx);
      return ok({
        principalThingObjects: page.items.map((p) => ({ thingName: p.thingName, thingPrincipalType: p.type })),
        nextToken: page.next,
      });
    },
  },
];
