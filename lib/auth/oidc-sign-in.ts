import type { BetterAuthOptions, BetterAuthPlugin } from 'better-auth';
import { createAuthMiddleware, getIP } from 'better-auth/api';
import { genericOAuth } from 'better-auth/plugins/generic-oauth';

import type { AuditLog } from '../db/audit';
import { discoveryUrl, noRoleMessage, OIDC_PROVIDER_ID, type OidcConfig, roleForClaims } from './oidc';
import type { Role } from './roles';

/**
 * OpenID Connect sign-in (better-auth's generic OAuth plugin, discovery, PKCE, ID tokens verified against the
 * provider's keys) with the role taken from a claim at every sign-in. better-auth lets no provider write the
 * `role` field, so the role goes through three hooks of the same request: `validateUserInfo` reads the
 * provider's claims and refuses a person whose groups map to no role (the callback then redirects to the
 * error page with `error=no_role` and the description, and the refusal becomes an audit event once the request
 * is done); otherwise it remembers the role for the request,
 * which the user-creation hook (first sign-in) or the session-creation hook (every later one) writes.
 */
export interface OidcSignIn {
  plugins: BetterAuthPlugin[];
  validateUserInfo: NonNullable<NonNullable<BetterAuthOptions['user']>['validateUserInfo']>;
  databaseHooks: NonNullable<BetterAuthOptions['databaseHooks']>;
}

export const NO_ROLE_ERROR = 'no_role';

export function oidcSignIn(config: OidcConfig, deps: { audit?: AuditLog } = {}): OidcSignIn {
  // Keyed by the request's endpoint context: one entry per sign-in in progress, gone with the request.
  const roles = new WeakMap<object, Role>();
  // Keyed by the request (the after-hook sees another context object for the same request).
  const refused = new WeakMap<object, string>();
  const requestOf = (ctx: { request?: Request; headers?: Headers }) => ctx.request ?? ctx.headers;

  return {
    plugins: [
      genericOAuth({
        config: [
          {
            providerId: OIDC_PROVIDER_ID,
            name: config.name,
            discoveryUrl: discoveryUrl(config.issuer),
            clientId: config.clientId,
            clientSecret: config.clientSecret,
            scopes: config.scopes,
            pkce: true,
            requireIdTokenVerification: true,
          },
        ],
      }),
      {
        id: 'dashboard-oidc-refusals',
        hooks: {
          after: [
            {
              matcher: (ctx) => (ctx.path ?? '').startsWith('/callback/'),
              handler: createAuthMiddleware(async (ctx) => {
                const key = requestOf(ctx);
                const email = key && refused.get(key);
                const source = ctx.request ?? ctx.headers;
                const where = {
                  clientAddress: (source && getIP(source, ctx.context.options)) || undefined,
                  userAgent: ctx.headers?.get('user-agent') ?? undefined,
                };
                if (email !== undefined) {
                  await deps.audit?.append({
                    actor: { name: email },
                    ...where,
                    action: 'auth.sign-in',
                    outcome: 'denied',
                    details: { reason: NO_ROLE_ERROR, method: 'oidc', issuer: config.issuer },
                  });
                  return;
                }
                const user = ctx.context.newSession?.user as { id: string; email: string; role?: string } | undefined;
                if (!user) return;
                await deps.audit?.append({
                  actor: { id: user.id, name: user.email, role: user.role },
                  ...where,
                  action: 'auth.sign-in',
                  outcome: 'success',
                  resource: { type: 'user', id: user.id },
                  details: { method: 'oidc', issuer: config.issuer },
                });
              }),
            },
          ],
        },
      },
    ],

    async validateUserInfo(data, ctx) {
      const source = data.source;
      if (source.method !== 'oauth' || source.oauth?.providerId !== OIDC_PROVIDER_ID) return undefined;
      const role = roleForClaims(source.oauth.profile, config);
      if (!role) {
        // Recorded by the callback's after-hook: a first sign-in is validated inside better-auth's
        // user-creation transaction, which this refusal rolls back (and on PGlite's one connection, writing
        // the event here would wait for the transaction that waits for it).
        const key = ctx && requestOf(ctx);
        if (key) refused.set(key, String(data.user.email ?? ''));
        return {
          error: NO_ROLE_ERROR,
          errorDescription: noRoleMessage(config.name),
        };
      }
      if (ctx) roles.set(ctx, role);
      return undefined;
    },

    databaseHooks: {
      user: {
        create: {
          async before(user, ctx) {
            const role = ctx && roles.get(ctx);
            return role ? { data: { ...user, role } } : undefined;
          },
        },
      },
      session: {
        create: {
          async before(session, ctx) {
            const role = ctx && roles.get(ctx);
            if (!ctx || !role) return undefined;
            const user = await ctx.context.internalAdapter.findUserById(session.userId);
            if (user && (user as { role?: string }).role !== role) {
              await ctx.context.internalAdapter.updateUser(session.userId, { role });
            }
            return undefined;
          },
        },
      },
    },
  };
}
