import { type NextRequest, NextResponse } from 'next/server';

import { newNonce, requestIsHttps, securityHeaders } from '@/lib/http/security-headers';

/**
 * Runs before every page, server action and route handler: a fresh CSP nonce for this response (passed to
 * Next.js through the request's CSP header, which it reads to put the nonce on its inline scripts) and the
 * security headers. Authentication is NOT decided here: every page, action and route checks the session
 * itself, so a request that skips this layer gains nothing.
 */
export function proxy(request: NextRequest) {
  const headers = securityHeaders({
    nonce: newNonce(),
    dev: process.env.NODE_ENV === 'development',
    https: requestIsHttps(request.nextUrl, request.headers.get('x-forwarded-proto')),
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('Content-Security-Policy', headers['Content-Security-Policy']!);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Static build output and icons get their headers from next.config.js; everything rendered passes here.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg|apple-icon.png).*)'],
};
