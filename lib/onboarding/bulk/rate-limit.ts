/**
 * Token buckets per AWS operation, as GCRA (the "theoretical arrival time" form of a token bucket): each
 * request reserves the next slot of its operation and waits until then, so many workers share one rate
 * fairly (first come, first served) without polling. `burst` tokens may go at once after a quiet spell;
 * the default of 1 paces requests evenly, which keeps a server-side bucket of the same rate (AWS's quotas,
 * or the emulator's) from ever running dry. Pure apart from the clock and timer it is given.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class TokenBucket {
  /** When the next request may go if the bucket were empty (ms, on the clock's scale). */
  private tat = -Infinity;
  private readonly interval: number;

  constructor(
    readonly rate: number,
    readonly burst = 1,
  ) {
    if (!(rate > 0)) throw new RangeError('rate must be positive');
    if (!(burst >= 1)) throw new RangeError('burst must be at least 1');
    this.interval = 1000 / rate;
  }

  /** Reserves one request at `now`; returns how long to wait before sending it (0: now). */
  reserve(now: number): number {
    const tat = Math.max(this.tat, now);
    const allowedAt = tat - (this.burst - 1) * this.interval;
    this.tat = tat + this.interval;
    return Math.max(0, allowedAt - now);
  }
}

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    rates: Readonly<Record<string, number | undefined>>,
    private readonly clock: Clock = realClock,
    burst = 1,
  ) {
    for (const [op, rate] of Object.entries(rates))
      if (rate && rate > 0) this.buckets.set(op, new TokenBucket(rate, burst));
  }

  /** Waits for a slot of `operation`; operations without a rate go at once. */
  async acquire(operation: string): Promise<void> {
    const bucket = this.buckets.get(operation);
    if (!bucket) return;
    const wait = bucket.reserve(this.clock.now());
    if (wait > 0) await this.clock.sleep(wait);
  }
}

/** Full-jitter exponential backoff (AWS's recommendation): a random wait in [0, min(cap, base * 2^retry)). */
export function backoffDelay(retry: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, retry));
  return Math.floor(random() * ceiling);
}
