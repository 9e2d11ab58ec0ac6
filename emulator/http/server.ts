import http from 'node:http';
import type { EmulatorContext } from '../context';
import { methodNotAllowed, requestEntityTooLarge, unknownOperation } from '../errors';
import { adminTokenRefusal } from './admin-token';
import { errorResponse } from './error-response';
import { answeredHosts, browserRefusal } from './request-guard';
import { ApiRequest, type ApiResult } from './request';
import type { Router } from './router';

/** AWS rejects request bodies far below this; anything larger is refused before it is buffered. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The emulator's HTTP server. Before a request is routed or its body read: a foreign Host or a browser's
 * cross-site request is refused with 403 (request-guard.ts), and an admin route without the admin token with 401.
 */
export function createHttpServer(router: Router, ctx: EmulatorContext, adminToken: string): http.Server {
  const hosts = answeredHosts(ctx.config);
  // A request without a Host header reaches the guard (and gets its AWS-shaped 403) instead of Node's bare 400.
  const server = http.createServer({ requireHostHeader: false }, (req, res) => {
    void handle(router, ctx, { hosts, adminToken }, req, res);
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

async function handle(
  router: Router,
  ctx: EmulatorContext,
  guard: { hosts: ReadonlySet<string>; adminToken: string },
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const requestId = crypto.randomUUID();
  let operation = 'unknown';
  try {
    const refusal = browserRefusal(req.headers, guard.hosts);
    if (refusal) {
      req.resume();
      throw refusal;
    }
    const url = new URL(req.url ?? '/', 'http://emulator');
    const rawPath = (req.url ?? '/').split('?')[0]!;
    const match = router.match(req.method ?? 'GET', rawPath);
    if (match.kind === 'none') {
      throw unknownOperation(`No operation at ${req.method} ${url.pathname}`);
    }
    if (match.kind === 'wrong-method') {
      throw methodNotAllowed(`${req.method} is not allowed on ${url.pathname}; allowed: ${match.allowed.join(', ')}`);
    }
    operation = match.route.operation ?? 'admin';
    if (!match.route.operation && !match.route.open) {
      const unauthorized = adminTokenRefusal(req.headers.authorization, guard.adminToken);
      if (unauthorized) {
        req.resume();
        throw unauthorized;
      }
    }
    const body = await readBody(req);
    if (match.route.operation) {
      const fault = ctx.faults.check(match.route.operation);
      if (fault) throw fault;
      ctx.quotas.take(match.route.operation);
    }
    const apiReq = new ApiRequest(req.method ?? 'GET', url.pathname, match.params, url.searchParams, req.headers, body);
    const result = await match.route.handler(apiReq, ctx);
    send(res, result, requestId);
  } catch (err) {
    send(res, errorResponse(err, ctx.config.log, operation), requestId);
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(requestEntityTooLarge(`The request body is larger than ${MAX_BODY_BYTES} bytes.`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, result: ApiResult, requestId: string) {
  if (res.headersSent) return;
  const headers: Record<string, string> = { 'x-amzn-RequestId': requestId, ...result.headers };
  let payload: Buffer | string;
  if ('json' in result) {
    payload = JSON.stringify(result.json ?? {});
    headers['content-type'] = 'application/json';
  } else {
    payload = result.raw;
    headers['content-type'] = result.contentType;
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(result.status ?? 200, headers);
  res.end(payload);
}
