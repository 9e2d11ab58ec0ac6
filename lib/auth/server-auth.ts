import type { AuthConfig } from './better-auth';
import { oidcConfigFromEnv } from './oidc';
import { authSecret } from './secret';
import { sessionTimeoutsFromEnv } from './session-timeouts';

/**
 * The dashboard server's better-auth configuration, from the environment:
 *   DASHBOARD_URL              the public URL (default http://localhost:$PORT or :3000): the OIDC redirect URI
 *                              and the origin better-auth's own endpoints accept posts from
 *   BETTER_AUTH_SECRET         signs cookies (lib/auth/secret.ts); every instance sharing a database needs the same
 *   DASHBOARD_SECURE_COOKIES   `true`: always `Secure` cookies; `false`: never; unset: per request (see below)
 *   DASHBOARD_SESSION_IDLE_MINUTES, DASHBOARD_SESSION_MAX_HOURS (lib/auth/session-timeouts.ts)
 *   OIDC_* (lib/auth/oidc.ts)
 * The client's address comes from the header the server stamps on every request
 * (lib/server/client-address.ts, DASHBOARD_TRUSTED_PROXIES), never from what the client sends.
 */
type Env = Readonly<Record<string, string | undefined>>;

export type CookieSecurity = 'always' | 'never' | 'auto';

export class SecureCookiesConfigError extends Error {
  constructor(value: string) {
    super(`DASHBOARD_SECURE_COOKIES must be true, false or unset (decided per request), not "${value}".`);
    this.name = 'SecureCookiesConfigError';
  }
}

export interface ServerAuthConfig extends Omit<AuthConfig, 'db' | 'secureCookies'> {
  cookieSecurity: CookieSecurity;
}

export function cookieSecurityFromEnv(env: Env = process.env): CookieSecurity {
  const raw = env.DASHBOARD_SECURE_COOKIES?.trim().toLowerCase();
  if (!raw) return 'auto';
  if (raw === 'true') return 'always';
  if (raw === 'false') return 'never';
  throw new SecureCookiesConfigError(raw);
}

export function authConfigFromEnv(env: Env = process.env): ServerAuthConfig {
  return {
    secret: authSecret(env),
    baseURL: (env.DASHBOARD_URL?.trim() || `http://localhost:${env.PORT || 3000}`).replace(/\/+$/, ''),
    cookieSecurity: cookieSecurityFromEnv(env),
    timeouts: sessionTimeoutsFromEnv(env),
    oidc: oidcConfigFromEnv(env),
  };
}

/**
 * Whether this request's cookies are `Secure` (and named with the `__Secure-` prefix). Unless configured
 * outright: yes when the request came over HTTPS, which Next.js reports in X-Forwarded-Proto (from the TLS
 * socket, or as a proxy in front set it), or when the public URL is https. A client that claims https over
 * plain HTTP only makes its own cookie stricter (its browser will not send it back over HTTP), so the header
 * is believed from anyone.
 */
export function wantsSecureCookies(headers: Headers, security: CookieSecurity, baseURL: string): boolean {
  if (security !== 'auto') return security === 'always';
  const proto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return proto === 'https' || baseURL.startsWith('https://');
}
