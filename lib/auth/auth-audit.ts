import type { BetterAuthPlugin } from 'better-auth';
import { createAuthMiddleware, getIP, getSessionFromCtx } from 'better-auth/api';

import type { AuditLog } from '../db/audit';

/**
 * Audit events for what happens inside better-auth's own endpoints and not in a dashboard action: a sign-out
 * (through the console's button or POST /api/auth/sign-out). Sign-ins and their failures are recorded by
 * lib/auth/sign-in-throttle.ts, OpenID Connect sign-ins by lib/auth/oidc-sign-in.ts.
 */

/** How a user is named in the audit trail and the console: the user name, else the e-mail. */
export function displayName(user: { username?: string | null; email?: string | null; name?: string | null }): string {
  return user.username || user.email || user.name || 'unknown';
}

export function authAudit(audit: AuditLog): BetterAuthPlugin {
  return {
    id: 'dashboard-auth-audit',
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path === '/sign-out',
          handler: createAuthMiddleware(async (ctx) => {
            const current = await getSessionFromCtx(ctx).catch(() => null);
            if (!current) return;
            const user = current.user as { id: string; username?: string; email: string; role?: string };
            const source = ctx.request ?? ctx.headers;
            await audit.append({
              actor: { id: user.id, name: displayName(user), role: user.role },
              clientAddress: (source && getIP(source, ctx.context.options)) || undefined,
              userAgent: ctx.headers?.get('user-agent') ?? undefined,
              action: 'auth.sign-out',
              outcome: 'success',
              resource: { type: 'session', id: current.session.id },
            });
          }),
        },
      ],
    },
  };
}
