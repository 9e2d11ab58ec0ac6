import { z } from 'zod';
import { thingName } from '../../../lib/validation/iot-names';
import type { EmulatorContext } from '../../context';
import { shadowHttpError, shadowNameSchema, shadowService, type ShadowOutcome } from '../../shadow/service';
import { paginate } from '../../iot/paging';
import { pageSize } from '../params';
import { ok, parseInput, type ApiRequest, type ApiResult } from '../request';
import type { Route } from '../router';

/**
 * The Device Shadow REST API (iot-data). Documents travel as raw JSON bodies (the model's blob `payload`), so
 * GetThingShadow answers with exactly the `/get/accepted` document and UpdateThingShadow with the
 * `/update/accepted` one. Shadows are not tied to the registry: any valid thing name may have one.
 */

const shadowQuery = z.object({ name: shadowNameSchema.optional() });

const listNamedQuery = z.object({
  nextToken: z.string().optional(),
  pageSize: pageSize(100).optional(),
});

/** Choice: AWS does not document ListNamedShadowsForThing's default page size; 25 is ours. */
const DEFAULT_NAMED_PAGE = 25;

function target(req: ApiRequest) {
  const name = parseInput(thingName, req.params.thingName, 'thingName');
  const query = parseInput(shadowQuery, { name: req.query.get('name') ?? undefined });
  return { thingName: name, shadowName: query.name ?? '' };
}

function document<T>(outcome: ShadowOutcome<T>): ApiResult {
  if (!outcome.ok) throw shadowHttpError(outcome.error);
  return { raw: JSON.stringify(outcome.doc), contentType: 'application/json' };
}

const service = (ctx: EmulatorContext) => shadowService(ctx);

export const shadowsRoutes: Route[] = [
  {
    method: 'GET',
    path: '/things/{thingName}/shadow',
    operation: 'GetThingShadow',
    handler: async (req, ctx) => {
      const { thingName: name, shadowName } = target(req);
      return document(await service(ctx).get(name, shadowName, 'http'));
    },
  },
  {
    method: 'POST',
    path: '/things/{thingName}/shadow',
    operation: 'UpdateThingShadow',
    handler: async (req, ctx) => {
      const { thingName: name, shadowName } = target(req);
      return document(await service(ctx).update(name, shadowName, 'http', req.body));
    },
  },
  {
    method: 'DELETE',
    path: '/things/{thingName}/shadow',
    operation: 'DeleteThingShadow',
    handler: async (req, ctx) => {
      const { thingName: name, shadowName } = target(req);
      return document(await service(ctx).delete(name, shadowName, 'http'));
    },
  },
  {
    method: 'GET',
    path: '/api/things/shadow/ListNamedShadowsForThing/{thingName}',
    operation: 'ListNamedShadowsForThing',
    handler: (req, ctx) => {
      const name = parseInput(thingName, req.params.thingName, 'thingName');
      const q = parseInput(listNamedQuery, req.queryObject());
      const names = service(ctx).listNamed(name);
      const page = paginate(names, (n) => n, { token: q.nextToken, limit: q.pageSize ?? DEFAULT_NAMED_PAGE });
      // AWS sends the time the response was made, in epoch seconds like the shadow documents.
      return ok({ results: page.items, nextToken: page.next, timestamp: Math.floor(ctx.now() / 1000) });
    },
  },
];
