import { betterAuth } from 'better-auth';
import { nextCookies } from 'better-auth/next-js';
import { admin } from 'better-auth/plugins/admin';
import { username } from 'better-auth/plugins/username';
import type { Kysely } from 'kysely';

import { auditLog } from '../db/audit';
import type { DatabaseSchema } from '../db/schema';
import { signInFailuresRepository } from '../db/sign-in-failures';
import { authAudit } from './auth-audit';
import { httpSurface } from './http-surface';
import type { OidcConfig } from './oidc';
import { oidcSignIn } from './oidc-sign-in';
import { accessRoles } from './roles';
import { sessionRules } from './session-rules';
import { type SessionTimeouts, sessionTimeouts } from './session-timeouts';
import { signInThrottle, type ThrottlePolicy } from './sign-in-throttle';

/**
 * The dashboard's authentication: better-auth on the dashboard's own database (lib/db), so users, sessions,
 * accounts and verification values are rows in the tables lib/db/migrations/0001-accounts.ts makes.
 *
 * - Local accounts, signed in by user name or e-mail (username plugin) with a password hashed by better-auth's
 *   scrypt (node:crypto; N=16384, r=16, p=1, 64-byte key, 16-byte random salt: 32 MiB per hash). No public
 *   sign-up: an admin creates accounts (admin plugin), the first one at start (lib/auth/local-accounts.ts).
 * - Server-side sessions: the cookie holds a signed random token; the row in `sessions` is the session. Deleting
 *   the row (sign-out, an admin ending it, disabling the user, a password change) ends it wherever the cookie
 *   is. No cookie cache: every request reads the row, so an ended session or a changed role counts at once.
 * - Idle timeout = better-auth's expiresIn, moved forward on use (updateAge); absolute timeout capped by
 *   lib/auth/session-rules.ts.
 * - Roles viewer < operator < admin in the users row (admin plugin); only admins manage users and sessions.
 * - Sign-in throttling with backoff per account and per client address (lib/auth/sign-in-throttle.ts),
 *   replacing better-auth's own per-address rate limit.
 * - Optional OpenID Connect sign-in with a claim -> role mapping (lib/auth/oidc-sign-in.ts).
 * - Sign-ins, failed sign-ins, refusals and sign-outs are audit events (lib/db/audit.ts).
 * - Over HTTP only the endpoints lib/auth/http-surface.ts lists are served; user and session management goes
 *   through the console's own actions (role checks, the last admin, the audit trail).
 */
export interface AuthConfig {
  db: Kysely<DatabaseSchema>;
  /** Signs cookies and encrypts stored OAuth tokens: 32+ random characters, the same on every instance. */
  secret: string;
  /** The dashboard's public URL (cookies, OIDC redirect URI, origin checks), e.g. https://iot.example.com. */
  baseURL: string;
  timeouts?: SessionTimeouts;
  oidc?: OidcConfig;
  /** `Secure` cookies (and the `__Secure-` prefix): on whenever the dashboard is served over HTTPS. */
  secureCookies?: boolean;
  /** Where the client's address comes from (default x-forwarded-for: set it from the TCP peer, or by a proxy). */
  ipAddressHeaders?: string[];
  /** Proxies whose x-forwarded-for entries are skipped to find the client (addresses or CIDR ranges). */
  trustedProxies?: string[];
  /** Other origins allowed to post to the auth endpoints (the baseURL's origin always is). */
  trustedOrigins?: string[];
  throttle?: ThrottlePolicy;
}

export const COOKIE_PREFIX = 'dashboard';
export const BASE_PATH = '/api/auth';
export const MIN_PASSWORD_LENGTH = 12;
export const DISABLED_MESSAGE = 'This account is disabled. Ask an admin to enable it.';

/** better-auth's `user` model onto our `users` table (and the plugins' fields). */
const USER_FIELDS = { emailVerified: 'email_verified', createdAt: 'created_at', updatedAt: 'updated_at' };
const TIMESTAMPS = { createdAt: 'created_at', updatedAt: 'updated_at' };

export function createAuth(config: AuthConfig) {
  const timeouts = config.timeouts ?? sessionTimeouts(60 * 60, 12 * 60 * 60);
  const audit = auditLog(config.db);
  const oidc = config.oidc ? oidcSignIn(config.oidc, { audit }) : undefined;

  return betterAuth({
    appName: 'IoT Onboarding Dashboard',
    baseURL: config.baseURL,
    basePath: BASE_PATH,
    secret: config.secret,
    trustedOrigins: config.trustedOrigins,
    database: { db: config.db, type: 'postgres', transaction: true },
    telemetry: { enabled: false },
    // Failed sign-ins are audit events and rows for the admin; better-auth's per-failure warnings add nothing.
    logger: { level: 'error' },
    // Replaced by signInThrottle: per account and per address, backoff instead of a fixed window.
    rateLimit: { enabled: false },
    user: {
      modelName: 'users',
      fields: USER_FIELDS,
      ...(oidc ? { validateUserInfo: oidc.validateUserInfo } : {}),
    },
    session: {
      modelName: 'sessions',
      fields: {
        userId: 'user_id',
        expiresAt: 'expires_at',
        ipAddress: 'ip_address',
        userAgent: 'user_agent',
        ...TIMESTAMPS,
      },
      expiresIn: timeouts.idleSeconds,
      updateAge: timeouts.refreshSeconds,
      cookieCache: { enabled: false },
    },
    account: {
      modelName: 'accounts',
      fields: {
        userId: 'user_id',
        accountId: 'account_id',
        providerId: 'provider_id',
        accessToken: 'access_token',
        refreshToken: 'refresh_token',
        idToken: 'id_token',
        accessTokenExpiresAt: 'access_token_expires_at',
        refreshTokenExpiresAt: 'refresh_token_expires_at',
        ...TIMESTAMPS,
      },
      // An SSO identity is never attached to an existing local account by matching e-mail alone.
      accountLinking: { enabled: false },
      encryptOAuthTokens: true,
    },
    verification: {
      modelName: 'verifications',
      fields: { expiresAt: 'expires_at', ...TIMESTAMPS },
    },
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: 256,
      revokeSessionsOnPasswordReset: true,
    },
    // Paths the console does not offer: users are disabled, not deleted (their audit trail stays theirs), and
    // nobody acts as somebody else.
    disabledPaths: ['/delete-user', '/admin/remove-user', '/admin/impersonate-user', '/admin/stop-impersonating'],
    advanced: {
      cookiePrefix: COOKIE_PREFIX,
      useSecureCookies: config.secureCookies ?? false,
      defaultCookieAttributes: { sameSite: 'lax', httpOnly: true },
      ipAddress: {
        ...(config.ipAddressHeaders ? { ipAddressHeaders: config.ipAddressHeaders } : {}),
        ...(config.trustedProxies ? { trustedProxies: config.trustedProxies } : {}),
      },
    },
    ...(oidc ? { databaseHooks: oidc.databaseHooks } : {}),
    plugins: [
      httpSurface(BASE_PATH),
      username({
        minUsernameLength: 2,
        maxUsernameLength: 64,
        schema: { user: { fields: { username: 'username', displayUsername: 'display_username' } } },
      }),
      admin({
        roles: accessRoles,
        defaultRole: 'viewer',
        adminRoles: ['admin'],
        bannedUserMessage: DISABLED_MESSAGE,
        schema: {
          user: {
            fields: { role: 'role', banned: 'disabled', banReason: 'disabled_reason', banExpires: 'disabled_until' },
          },
          session: { fields: { impersonatedBy: 'impersonated_by' } },
        },
      }),
      signInThrottle({ failures: signInFailuresRepository(config.db), audit, policy: config.throttle }),
      sessionRules(timeouts),
      authAudit(audit),
      ...(oidc ? oidc.plugins : []),
      // Last: lets server actions set the session cookie through next/headers (a no-op outside Next).
      nextCookies(),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;
