import { z } from 'zod';
import { thingName } from '../../../lib/validation/iot-names';
import type { EmulatorContext } from '../../context';
import {
  attachThingPrincipal,
  detachThingPrincipal,
  listPrincipalThings,
  listThingPrincipals,
} from '../../iot/principals';
import { pageSize } from '../params';
import { type ApiRequest, ok, parseInput } from '../request';
import type { Route } from '../router';

/** The thing-principal operations: which certificates (or Cognito identities) a thing is attached to. */

const thingPrincipalType = z.enum(['EXCLUSIVE_THING', 'NON_EXCLUSIVE_THING']);
const attachQuery = z.object({ thingPrincipalType: thingPrincipalType.optional() });
const listQuery = z.object({
  nextToken: z.string().optional(),
  maxResults: pageSize().optional(),
  thingPrincipalType: thingPrincipalType.optional(),
});

const nameParam = (req: ApiRequest) => parseInput(thingName, req.params.thingName, 'thingName');
/** The principal travels in the `x-amzn-principal` header; AWS requires it. */
const principalHeader = (req: ApiRequest) => req.requiredHeader('x-amzn-principal', 'principal');

function pageQuery(req: ApiRequest) {
  const q = parseInput(listQuery, req.queryObject());
  return { token: q.nextToken, limit: q.maxResults ?? 25, thingPrincipalType: q.thingPrincipalType };
}

function thingPrincipals(req: ApiRequest, ctx: EmulatorContext) {
  const name = nameParam(req);
  return listThingPrincipals(ctx, name, pageQuery(req));
}

function principalThings(req: ApiRequest, ctx: EmulatorContext) {
  const principal = principalHeader(req);
  return listPrincipalThings(ctx, principal, pageQuery(req));
}

export const principalsRoutes: Route[] = [
  {
    method: 'PUT',
    path: '/things/{thingName}/principals',
    operation: 'AttachThingPrincipal',
    handler: (req, ctx) => {
      const name = nameParam(req);
      const principal = principalHeader(req);
      const { thingPrincipalType: type = 'NON_EXCLUSIVE_THING' } = parseInput(attachQuery, req.queryObject());
      attachThingPrincipal(ctx, name, principal, type);
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/things/{thingName}/principals',
    operation: 'DetachThingPrincipal',
    handler: (req, ctx) => {
      const name = nameParam(req);
      detachThingPrincipal(ctx, name, principalHeader(req));
      return ok({});
    },
  },
  {
    method: 'GET',
    path: '/things/{thingName}/principals',
    operation: 'ListThingPrincipals',
    handler: (req, ctx) => {
      const page = thingPrincipals(req, ctx);
      return ok({ principals: page.items.map((p) => p.principal), nextToken: page.next });
    },
  },
  {
    method: 'GET',
    path: '/things/{thingName}/principals-v2',
    operation: 'ListThingPrincipalsV2',
    handler: (req, ctx) => {
      const page = thingPrincipals(req, ctx);
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
      const page = principalThings(req, ctx);
      return ok({ things: page.items.map((p) => p.thingName), nextToken: page.next });
    },
  },
  {
    method: 'GET',
    path: '/principals/things-v2',
    operation: 'ListPrincipalThingsV2',
    handler: (req, ctx) => {
      const page = principalThings(req, ctx);
      return ok({
        principalThingObjects: page.items.map((p) => ({ thingName: p.thingName, thingPrincipalType: p.type })),
        nextToken: page.next,
      });
    },
  },
];
