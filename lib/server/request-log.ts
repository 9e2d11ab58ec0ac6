import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';

import { logger, runWithRequestContext } from '@/lib/log/logger';

import { type AddressMatcher, normaliseAddress, trustedProxyMatcher } from './client-address';

/**
 * A request id for every request the dashboard serves (pages, server actions, route handlers), given as it
 * arrives, before Next.js sees it:
 * - a trusted proxy's (DASHBOARD_TRUSTED_PROXIES) `X-Request-Id`, when it is a plain token, so one id follows
 *   the request through the load balancer and here; anything else gets a fresh UUID (a client does not choose
 *   what the log says);
 * - written into the request's `x-request-id` header (actions and routes can read it), answered in the
 *   response's, and carried by every log line written while the request is served (an AsyncLocalStorage
 *   context around Next's handling of it: lib/log/logger.ts);
 * - one access line when the response ends: method, path (never the query: it may carry an OpenID Connect
 *   code), status, milliseconds.
 *
 * Next.js does not hand its server to the application, so the hook sits on the servers' `request` event, as
 * lib/server/client-address.ts's does; the servers it has seen are the ones a graceful shutdown closes.
 */
export const REQUEST_ID_HEADER = 'x-request-id';

const PLAIN_TOKEN = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

interface HookState {
  isTrusted: AddressMatcher;
  servers: Set<http.Server>;
}
const STATE = Symbol.for('iot-dashboard.request-log');
const INSTALLED = Symbol.for('iot-dashboard.request-log-hook');
const holder = globalThis as Record<symbol, unknown>;

function state(): HookState {
  return (holder[STATE] ??= { isTrusted: () => false, servers: new Set() }) as HookState;
}

/** The id for this request: a trusted proxy's plain one, else a fresh UUID. */
export function requestIdFor(req: IncomingMessage, isTrusted: AddressMatcher): string {
  const sent = req.headers[REQUEST_ID_HEADER];
  const peer = normaliseAddress(req.socket?.remoteAddress);
  if (typeof sent === 'string' && PLAIN_TOKEN.test(sent) && peer && isTrusted(peer)) return sent;
  return randomUUID();
}

function logWhenDone(req: IncomingMessage, res: ServerResponse, requestId: string): void {
  const started = performance.now();
  const path = (req.url ?? '/').split('?')[0]!;
  // Static build output is not worth a line each; the health route is asked every few seconds by balancers.
  if (path.startsWith('/_next/static/')) return;
  const level = path === '/api/health' ? 'debug' : 'info';
  res.once('close', () => {
    // In the request's context, so the line carries its id once (the logger's mixin adds it).
    runWithRequestContext({ requestId }, () =>
      logger()[level](
        {
          method: req.method,
          path,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'request',
      ),
    );
  });
}

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

/** Installs the hook (once per process; a later call changes only the trusted proxies). */
export function installRequestLog(trustedProxies: readonly string[]): void {
  const current = state();
  current.isTrusted = trustedProxyMatcher(trustedProxies);
  for (const proto of [http.Server.prototype, https.Server.prototype] as unknown as Record<
    symbol | string,
    unknown
  >[]) {
    if (proto[INSTALLED]) continue;
    const emit = proto.emit as Emit;
    proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
      if (event !== 'request') return emit.call(this, event, ...args);
      const req = args[0] as IncomingMessage;
      const res = args[1] as ServerResponse;
      const hook = state();
      hook.servers.add(this as http.Server);
      const requestId = requestIdFor(req, hook.isTrusted);
      req.headers[REQUEST_ID_HEADER] = requestId;
      res.setHeader(REQUEST_ID_HEADER, requestId);
      logWhenDone(req, res, requestId);
      return runWithRequestContext({ requestId }, () => emit.call(this, event, ...args));
    } satisfies Emit;
    proto[INSTALLED] = true;
  }
}

/** The HTTP servers this process has served requests on (what a graceful shutdown stops). */
export function servingServers(): http.Server[] {
  return [...state().servers].filter((s) => s.listening);
}
