import type { BetterAuthPlugin } from 'better-auth';

/**
 * Which of better-auth's HTTP endpoints (under /api/auth) the dashboard serves. better-auth and its plugins
 * expose many more (sign-up, account linking, the admin plugin's user and session management ...); the
 * console does all of that through its own server actions, which check the role, keep the last admin and
 * write the audit trail (lib/auth/guard.ts, lib/audit/record.ts). Anything not listed here answers 404, so an
 * endpoint a future better-auth version adds is closed until it is listed. Server-side calls (auth.api.*)
 * are not HTTP and are not affected.
 *
 * - sign-in by user name or e-mail: scripts and the tests sign in without a browser (throttled and audited);
 * - sign-out: ends the session row;
 * - the OpenID Connect callback the provider redirects to, and better-auth's error page for it.
 * Not get-session: it answers the session token in JSON, which the httpOnly cookie exists to keep from scripts.
 */
export const HTTP_PATHS: ReadonlySet<string> = new Set([
  '/sign-in/username',
  '/sign-in/email',
  '/sign-out',
  '/callback/oidc',
  '/error',
]);

export function httpSurface(basePath: string): BetterAuthPlugin {
  return {
    id: 'dashboard-http-surface',
    async onRequest(request) {
      const { pathname } = new URL(request.url);
      const path = pathname.startsWith(basePath) ? pathname.slice(basePath.length).replace(/\/+$/, '') : pathname;
      if (HTTP_PATHS.has(path)) return undefined;
      return {
        response: Response.json({ error: 'Not found.' }, { status: 404, headers: { 'cache-control': 'no-store' } }),
      };
    },
  };
}
