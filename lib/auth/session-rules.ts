import type { BetterAuthPlugin } from 'better-auth';
import { createAuthMiddleware, isAPIError } from 'better-auth/api';

import type { SessionTimeouts } from './session-timeouts';

/**
 * Session rules better-auth does not have built in:
 * - an absolute timeout: however often a session is used, its end is never moved past `absoluteSeconds` after
 *   sign-in (better-auth alone slides it forward forever: that is the idle timeout);
 * - a password change ends the user's other sessions: an admin's reset ends all of them, the user's own
 *   change keeps only the session that made it (or the fresh one better-auth issues in its place).
 * Disabling a user (the admin plugin's ban, or lib/db/users.ts setDisabled) already ends their sessions.
 */
export function sessionRules(timeouts: SessionTimeouts): BetterAuthPlugin {
  const absoluteMs = timeouts.absoluteSeconds * 1000;
  return {
    id: 'dashboard-session-rules',
    init() {
      return {
        options: {
          databaseHooks: {
            session: {
              create: {
                async before(session) {
                  const cap = new Date(Date.now() + absoluteMs);
                  return new Date(session.expiresAt) > cap ? { data: { ...session, expiresAt: cap } } : undefined;
                },
              },
              update: {
                // A refresh (better-auth's get-session) sets a new end: capped at created + absolute. The
                // endpoint's context holds the session being refreshed.
                async before(data, ctx) {
                  const current = (ctx?.context as { session?: { session?: { createdAt?: Date } } } | undefined)
                    ?.session?.session;
                  if (!data.expiresAt || !current?.createdAt) return undefined;
                  const cap = new Date(new Date(current.createdAt).getTime() + absoluteMs);
                  return new Date(data.expiresAt) > cap ? { data: { ...data, expiresAt: cap } } : undefined;
                },
              },
            },
          },
        },
      };
    },
    hooks: {
      after: [
        {
          matcher: (ctx) => ctx.path === '/admin/set-user-password',
          handler: createAuthMiddleware(async (ctx) => {
            if (isAPIError(ctx.context.returned)) return;
            const userId = (ctx.body as { userId?: unknown } | undefined)?.userId;
            if (typeof userId === 'string' && userId) await ctx.context.internalAdapter.deleteUserSessions(userId);
          }),
        },
        {
          matcher: (ctx) => ctx.path === '/change-password' || ctx.path === '/set-password',
          handler: createAuthMiddleware(async (ctx) => {
            if (isAPIError(ctx.context.returned)) return;
            const current = ctx.context.session;
            const userId = current?.user.id;
            if (!userId) return;
            const keep = new Set([current.session.token, ctx.context.newSession?.session.token].filter(Boolean));
            for (const s of await ctx.context.internalAdapter.listSessions(userId)) {
              if (!keep.has(s.token)) await ctx.context.internalAdapter.deleteSession(s.token);
            }
          }),
        },
      ],
    },
  };
}
