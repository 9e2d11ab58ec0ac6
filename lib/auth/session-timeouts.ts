/**
 * How long a session lives: it ends after `idleMinutes` without a request (each use moves its end forward,
 * at most every `refreshSeconds`), and in any case `maxHours` after sign-in, used or not.
 *
 *   DASHBOARD_SESSION_IDLE_MINUTES   default 60
 *   DASHBOARD_SESSION_MAX_HOURS      default 12
 */
export interface SessionTimeouts {
  idleSeconds: number;
  absoluteSeconds: number;
  /** How often a used session's end is moved forward (better-auth's updateAge): a tenth of the idle time. */
  refreshSeconds: number;
}

export class SessionTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionTimeoutError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

export function sessionTimeouts(idleSeconds: number, absoluteSeconds: number): SessionTimeouts {
  if (!(idleSeconds > 0) || !(absoluteSeconds > 0)) throw new SessionTimeoutError('Session timeouts must be positive.');
  const idle = Math.min(idleSeconds, absoluteSeconds);
  return { idleSeconds: idle, absoluteSeconds, refreshSeconds: Math.max(1, Math.floor(idle / 10)) };
}

export function sessionTimeoutsFromEnv(env: Env = process.env): SessionTimeouts {
  const read = (name: string, fallback: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0)
      throw new SessionTimeoutError(`${name} must be a positive number, not "${raw}".`);
    return n;
  };
  return sessionTimeouts(
    Math.round(read('DASHBOARD_SESSION_IDLE_MINUTES', 60) * 60),
    Math.round(read('DASHBOARD_SESSION_MAX_HOURS', 12) * 3600),
  );
}
