/**
 * Cross-site request refusal, for proxy.ts: a page on another origin (another site, or another port of
 * 127.0.0.1, which browsers count as the same *site*) must not be able to change state in the dashboard with the
 * operator's cookie. Browsers say where a request comes from (`Sec-Fetch-Site` on every request from Chromium,
 * Firefox and Safari; `Origin` on every POST and every cross-origin fetch); clients that are not browsers send
 * neither and carry no operator cookie, so they pass here and meet the session check.
 */
export type OriginVerdict = { ok: true } | { ok: false; status: 400 | 403; message: string };

export interface OriginRequest {
  method: string;
  /** The request's path, to tell route handlers (/api/...) from pages. */
  pathname: string;
  /** This server's own origin as the browser sees it (scheme://host[:port]). */
  ownOrigin: string;
  origin: string | null;
  secFetchSite: string | null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Where an OpenID Connect provider sends the browser back after sign-in: a navigation from the provider's site by
 * design. better-auth accepts it only with the state it stored in this browser's cookie when the sign-in began
 * (and the PKCE verifier), so another site cannot use it to sign anyone in.
 */
const SIGN_IN_CALLBACK = /^\/api\/auth\/callback\/[^/]+$/;

/**
 * Which requests are checked: every route handler (some GETs open MQTT sessions or write a shadow, so the method
 * says nothing about them), and every request that is not a plain read (server actions are POSTs to pages).
 * A cross-site GET of a page is an ordinary link and stays allowed, as does the sign-in callback's GET.
 */
export function needsOriginCheck(method: string, pathname: string): boolean {
  const read = SAFE_METHODS.has(method.toUpperCase());
  if (read && SIGN_IN_CALLBACK.test(pathname)) return false;
  return pathname.startsWith('/api/') || !read;
}

export function checkRequestOrigin(req: OriginRequest): OriginVerdict {
  if (!needsOriginCheck(req.method, req.pathname)) return { ok: true };
  if (req.origin !== null) {
    let origin: string;
    try {
      origin = req.origin === 'null' ? 'null' : new URL(req.origin).origin;
    } catch {
      return { ok: false, status: 400, message: 'The Origin header is not a valid origin.' };
    }
    if (origin !== req.ownOrigin) {
      return { ok: false, status: 403, message: 'Requests from other sites are refused.' };
    }
  }
  const site = req.secFetchSite?.toLowerCase();
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { ok: false, status: 403, message: 'Requests from other sites are refused.' };
  }
  return { ok: true };
}

/**
 * This server's origin as the browser addressed it: the Host header (or X-Forwarded-Host behind a proxy) with the
 * scheme the browser used.
 */
export function ownOrigin(headers: Headers, https: boolean, fallbackHost: string): string {
  const host = headers.get('x-forwarded-host')?.split(',')[0]?.trim() || headers.get('host') || fallbackHost;
  return `${https ? 'https' : 'http'}://${host}`.toLowerCase();
}
