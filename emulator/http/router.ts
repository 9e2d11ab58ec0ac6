import type { EmulatorContext } from '../context';
import type { ApiRequest, ApiResult } from './request';

export type Handler = (req: ApiRequest, ctx: EmulatorContext) => ApiResult | Promise<ApiResult>;

/** One row of the route table: an AWS operation bound to its HTTP method and path template. */
export interface Route {
  method: string;
  /** Path template as in the service model: `/things/{thingName}`; `{name+}` takes the rest of the path. */
  path: string;
  /** AWS operation name; fault injection and quotas key on it. Admin routes have none. */
  operation?: string;
  /** Admin routes only: served without the admin token (routes/admin.ts says which and why). */
  open?: boolean;
  handler: Handler;
}

/** The AWS operations a route table serves, by name: what fault rules and quotas may name. */
export function operationNames(routes: readonly Route[]): ReadonlySet<string> {
  return new Set(routes.flatMap((r) => (r.operation ? [r.operation] : [])));
}

interface CompiledRoute extends Route {
  segments: { literal?: string; param?: string; greedy?: boolean }[];
}

export type Match =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: string[] }
  | { kind: 'none' };

/** Matches raw (still percent-encoded) paths so that an encoded `/` inside an ARN stays in its segment. */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.routes = routes.map((r) => ({
      ...r,
      segments: r.path
        .split('/')
        .slice(1)
        .map((s) => {
          const m = /^\{(\w+)(\+)?\}$/.exec(s);
          return m ? { param: m[1], greedy: Boolean(m[2]) } : { literal: s };
        }),
    }));
    // Literal segments win over parameters (`/thing-groups/addThingToThingGroup` before `{thingGroupName}`).
    this.routes.sort((a, b) => literalWeight(b) - literalWeight(a));
  }

  match(method: string, rawPath: string): Match {
    const parts = rawPath.split('/').slice(1);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route, parts);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', route, params };
      allowed.push(route.method);
    }
    return allowed.length ? { kind: 'wrong-method', allowed } : { kind: 'none' };
  }
}

function literalWeight(r: CompiledRoute) {
  return r.segments.reduce((n, s, i) => n + (s.literal !== undefined ? 2 ** (10 - i) : 0), 0);
}

function matchSegments(route: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const seg = route.segments[i]!;
    if (seg.greedy) {
      const rest = parts.slice(i).join('/');
      if (!rest) return undefined;
      params[seg.param!] = safeDecode(rest);
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.literal !== undefined) {
      if (seg.literal !== part) return undefined;
    } else {
      if (part === '') return undefined;
      params[seg.param!] = safeDecode(part);
    }
  }
  return parts.length === route.segments.length ? params : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
