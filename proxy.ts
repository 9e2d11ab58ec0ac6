import { type NextRequest, NextResponse } from 'next/server';

import { actionBodyProblem } from '@/lib/forms/action-input';
import { checkRequestOrigin, ownOrigin } from '@/lib/http/origin';
import { decodablePath, PATH_HEADER, requestPath } from '@/lib/http/request-path';
import { newNonce, requestIsHttps, securityHeaders } from '@/lib/http/security-headers';

/**
 * Runs before every page, server action and route handler: refuses requests another site's page makes with the
 * operator's cookie (lib/http/origin.ts) and server action bodies larger than Next reads (lib/forms/action-input.ts), then sets a fresh CSP nonce for this response (passed to Next.js
 * through the request's CSP header, which it reads to put the nonce on its inline scripts) and the security
 * headers, and tells the page which path it is (lib/http/request-path.ts). Authentication is NOT decided here:
 * every page, action and route checks the session and role itself (lib/auth/guard.ts), so a request that
 * skips this layer gains nothing.
 */
export function proxy(request: NextRequest) {
  const https = requestIsHttps(request.nextUrl, request.headers.get('x-forwarded-proto'));
  const origin = checkRequestOrigin({
    method: request.method,
    pathname: request.nextUrl.pathname,
    ownOrigin: ownOrigin(request.headers, https, request.nextUrl.host),
    origin: request.headers.get('origin'),
    secFetchSite: request.headers.get('sec-fetch-site'),
  });
  if (!origin.ok) return Response.json({ error: origin.message }, { status: origin.status });
  // Next decodes each path segment for the page's params and answers a 500 when one is not UTF-8 (%C0%AE): a 400.
  if (!decodablePath(request.nextUrl.pathname)) {
    return Response.json({ error: 'The address is not valid: a %-escape in it is not UTF-8.' }, { status: 400 });
  }
  // Next reads a server action's body only up to 1 MB and answers a larger one with a 500: refuse it here, unread.
  const body = actionBodyProblem(request.method, request.nextUrl.pathname, {
    contentLength: request.headers.get('content-length'),
    transferEncoding: request.headers.get('transfer-encoding'),
  });
  if (body) return Response.json({ error: body.message }, { status: body.status });
  const headers = securityHeaders({ nonce: newNonce(), dev: process.env.NODE_ENV === 'development', https });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('Content-Security-Policy', headers['Content-Security-Policy']!);
  // Where a page or action that finds no session sends the operator back to after sign-in (lib/auth/guard.ts).
  requestHeaders.set(PATH_HEADER, requestPath(request.nextUrl));
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Static build output and icons get their headers from next.config.js; everything rendered passes here.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg|apple-icon.png).*)'],
};
