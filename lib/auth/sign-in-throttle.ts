import type { BetterAuthPlugin } from 'better-auth';
import { APIError, createAuthMiddleware, getIP, isAPIError } from 'better-auth/api';

import type { AuditLog } from '../db/audit';
import type { FailureCount, FailureCounts, SignInFailuresRepository } from '../db/sign-in-failures';

/**
 * Sign-in throttling that slows a guesser without locking the real operator out: after a few failures, each
 * further attempt must wait, the wait doubling per failure up to a cap, counted three ways:
 * - this account from this address: 3 free failures, then 1 s, 2 s, 4 s ... up to 15 minutes;
 * - this address, any account (one machine spraying names): 20 free, then up to 15 minutes;
 * - this account, any address (a distributed guess): 10 free, then at most 1 minute, so the account's owner,
 *   from their own address, waits a minute at worst and is never locked out.
 * A successful sign-in clears its own (account, address) failures. Failures older than 15 minutes no longer
 * count. Every attempt (success, failure, refusal) is an audit event; failures are kept for the admin's view.
 */
export interface ThrottleRule {
  free: number;
  capMs: number;
}

export interface ThrottlePolicy {
  windowMs: number;
  pair: ThrottleRule;
  address: ThrottleRule;
  account: ThrottleRule;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  windowMs: 15 * 60_000,
  pair: { free: 3, capMs: 15 * 60_000 },
  address: { free: 20, capMs: 15 * 60_000 },
  account: { free: 10, capMs: 60_000 },
};

function ruleWait(c: FailureCount, rule: ThrottleRule, now: number): number {
  if (c.count <= rule.free || !c.last) return 0;
  const delay = Math.min(rule.capMs, 1000 * 2 ** Math.min(30, c.count - rule.free - 1));
  return Math.max(0, c.last.getTime() + delay - now);
}

/** Milliseconds to wait before the next attempt may be checked (0: now). */
export function throttleWaitMs(counts: FailureCounts, now: number, policy: ThrottlePolicy = DEFAULT_THROTTLE): number {
  return Math.max(
    ruleWait(counts.pair, policy.pair, now),
    ruleWait(counts.address, policy.address, now),
    ruleWait(counts.account, policy.account, now),
  );
}

export const SIGN_IN_PATHS: ReadonlySet<string> = new Set(['/sign-in/email', '/sign-in/username']);

export const THROTTLED_CODE = 'SIGN_IN_THROTTLED';

/** Why a sign-in failed, in a word for the admin's list (better-auth's error codes, shortened). */
function failureReason(err: APIError): string {
  const code = String((err.body as { code?: unknown } | undefined)?.code ?? '');
  if (/INVALID_(EMAIL|USERNAME)_OR_PASSWORD|INVALID_PASSWORD|USER_NOT_FOUND/.test(code)) return 'invalid_credentials';
  if (code === 'BANNED_USER') return 'disabled';
  return code.toLowerCase() || `http_${err.statusCode}`;
}

export interface SignInThrottleDeps {
  failures: SignInFailuresRepository;
  audit?: AuditLog;
  policy?: ThrottlePolicy;
  now?: () => number;
}

export function signInThrottle(deps: SignInThrottleDeps): BetterAuthPlugin {
  const policy = deps.policy ?? DEFAULT_THROTTLE;
  const now = deps.now ?? Date.now;
  type Ctx = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];
  const attempt = (ctx: Ctx) => {
    const body = (ctx.body ?? {}) as { email?: unknown; username?: unknown };
    const login = String(body.email ?? body.username ?? '').trim();
    const source = ctx.request ?? ctx.headers;
    return {
      login,
      clientAddress: (source && getIP(source, ctx.context.options)) || '',
      userAgent: ctx.headers?.get('user-agent') ?? undefined,
    };
  };

  return {
    id: 'dashboard-sign-in-throttle',
    hooks: {
      before: [
        {
          matcher: (ctx) => SIGN_IN_PATHS.has(ctx.path ?? ''),
          handler: createAuthMiddleware(async (ctx) => {
            const a = attempt(ctx);
            if (!a.login) return;
            const t = now();
            const counts = await deps.failures.counts(a.login, a.clientAddress, new Date(t - policy.windowMs));
            const wait = throttleWaitMs(counts, t, policy);
            if (wait <= 0) return;
            const seconds = Math.ceil(wait / 1000);
            await deps.audit?.append({
              actor: { name: a.login },
              clientAddress: a.clientAddress,
              userAgent: a.userAgent,
              action: 'auth.sign-in',
              outcome: 'denied',
              details: { reason: 'throttled', retryAfterSeconds: seconds },
            });
            throw new APIError(
              'TOO_MANY_REQUESTS',
              {
                code: THROTTLED_CODE,
                message: `Too many failed sign-ins. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
                retryAfterSeconds: seconds,
              },
              { 'retry-after': String(seconds) },
            );
          }),
        },
      ],
      after: [
        {
          matcher: (ctx) => SIGN_IN_PATHS.has(ctx.path ?? ''),
          handler: createAuthMiddleware(async (ctx) => {
            const a = attempt(ctx);
            const returned = ctx.context.returned;
            if (isAPIError(returned)) {
              if ((returned.body as { code?: unknown } | undefined)?.code === THROTTLED_CODE) return;
              const reason = failureReason(returned);
              const key = a.login.toLowerCase();
              const user = !key
                ? undefined
                : key.includes('@')
                  ? (await ctx.context.internalAdapter.findUserByEmail(key))?.user
                  : ((await ctx.context.adapter.findOne<{ id: string }>({
                      model: 'user',
                      where: [{ field: 'username', value: key }],
                    })) ?? undefined);
              await deps.failures.record({ ...a, userId: user?.id, reason });
              await deps.audit?.append({
                actor: { id: user?.id, name: a.login },
                clientAddress: a.clientAddress,
                userAgent: a.userAgent,
                action: 'auth.sign-in',
                outcome: reason === 'disabled' ? 'denied' : 'failure',
                details: { reason, method: ctx.path === '/sign-in/email' ? 'email' : 'username' },
              });
              return;
            }
            const user = ctx.context.newSession?.user as { id: string; email: string; role?: string } | undefined;
            if (!user) return;
            await deps.failures.clear(a.login, a.clientAddress);
            await deps.audit?.append({
              actor: { id: user.id, name: a.login, role: user.role },
              clientAddress: a.clientAddress,
              userAgent: a.userAgent,
              action: 'auth.sign-in',
              outcome: 'success',
              resource: { type: 'user', id: user.id },
              details: { method: ctx.path === '/sign-in/email' ? 'email' : 'username' },
            });
          }),
        },
      ],
    },
  };
}
