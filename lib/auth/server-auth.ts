import 'server-only';

import { dashboardDatabase } from '../db/server';
import { type Auth, type AuthConfig, createAuth } from './better-auth';
import { sessionSecret } from './credentials';
import { oidcConfigFromEnv } from './oidc';
import { sessionTimeoutsFromEnv } from './session-timeouts';

/**
 * The dashboard server's one better-auth instance, on the dashboard's database, configured from the
 * environment:
 *   DASHBOARD_URL              the public URL (default http://localhost:$PORT or :3000): cookies, OIDC redirect
 *   BETTER_AUTH_SECRET         signs cookies (else SESSION_SECRET, else one made once under DASHBOARD_DATA_DIR);
 *                              every instance sharing a database needs the same one
 *   DASHBOARD_SECURE_COOKIES   `true` behind HTTPS
 *   DASHBOARD_TRUSTED_PROXIES  proxies in front of the dashboard (addresses or CIDR, comma separated), so
 *                              x-forwarded-for gives the client's address
 *   DASHBOARD_SESSION_IDLE_MINUTES, DASHBOARD_SESSION_MAX_HOURS (lib/auth/session-timeouts.ts)
 *   OIDC_* (lib/auth/oidc.ts)
 */
const KEY = Symbol.for('iot-dashboard.auth');

type Holder = { [KEY]?: Promise<Auth> };
type Env = Readonly<Record<string, string | undefined>>;

export function authConfigFromEnv(env: Env = process.env): Omit<AuthConfig, 'db'> {
  const secret =
    env.BETTER_AUTH_SECRET && env.BETTER_AUTH_SECRET.length >= 32 ? env.BETTER_AUTH_SECRET : sessionSecret(env);
  const proxies = (env.DASHBOARD_TRUSTED_PROXIES ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return {
    secret,
    baseURL: (env.DASHBOARD_URL?.trim() || `http://localhost:${env.PORT || 3000}`).replace(/\/+$/, ''),
    secureCookies: env.DASHBOARD_SECURE_COOKIES === 'true',
    timeouts: sessionTimeoutsFromEnv(env),
    oidc: oidcConfigFromEnv(env),
    ...(proxies.length ? { trustedProxies: proxies } : {}),
  };
}

export function dashboardAuth(): Promise<Auth> {
  const g = globalThis as Holder;
  g[KEY] ??= dashboardDatabase()
    .then((database) => createAuth({ db: database.db, ...authConfigFromEnv() }))
    .catch((err: unknown) => {
      delete g[KEY];
      throw err;
    });
  return g[KEY];
}
