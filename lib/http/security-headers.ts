/**
 * The dashboard's security headers, set by proxy.ts on every page, action and route response.
 *
 * The CSP allows scripts only from this origin and with this response's nonce ('strict-dynamic' lets those
 * scripts load the chunks and workers they need); Next.js reads the nonce from the request's CSP header and
 * puts it on its own inline scripts. Styles allow 'unsafe-inline' because React renders `style` attributes
 * (virtualised lists, progress bars); no script can be injected through a style. `frame-ancestors 'none'`
 * refuses framing (clickjacking) in every current browser.
 */
export interface SecurityContext {
  nonce: string;
  /** `next dev` needs eval for React's dev tooling and a WebSocket for hot reload. */
  dev: boolean;
  /** The browser reached us over https (directly or through a proxy that says so): send HSTS. */
  https: boolean;
}

export function contentSecurityPolicy({ nonce, dev }: Pick<SecurityContext, 'nonce' | 'dev'>): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...(dev ? ['ws:', 'wss:'] : [])],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/**
 * The per-response headers (set by proxy.ts). The ones that suit every response, static files included
 * (nosniff, Referrer-Policy, X-Frame-Options, COOP), are set for all paths in next.config.js.
 */
export function securityHeaders(ctx: SecurityContext): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(ctx),
    ...(ctx.https ? { 'Strict-Transport-Security': 'max-age=63072000; includeSubDomains' } : {}),
  };
}

/**
 * Whether the browser's request arrived over https: the URL itself, or `X-Forwarded-Proto: https` from a
 * TLS-terminating proxy. A client that lies about it only gets Secure cookies it cannot send back over http.
 */
export function requestIsHttps(url: URL, forwardedProto: string | null): boolean {
  if (url.protocol === 'https:') return true;
  const first = forwardedProto?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

/** A fresh nonce per response: 16 random bytes, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
