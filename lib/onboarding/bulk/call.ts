import type { AwsOperation } from '../types';
import { backoffDelay, type Clock, type RateLimiter } from './rate-limit';
import { StoreClosedError } from './store';
import type { JobOperation, JobSettings } from './types';

/**
 * One AWS call of a bulk job: it waits for its operation's rate slot, and ThrottlingException (or a brief
 * outage) is retried with exponential backoff and full jitter, up to the job's maxAttempts. The SDK's own
 * retries are off on the job's client (lib/server/services.ts), so every attempt is one request the job
 * has paid a rate token for.
 */

interface CodedError {
  code?: unknown;
  message?: unknown;
}

/** The AppErrorCode of a failure ('internal' when it has none). */
export const codeOf = (err: unknown): string =>
  typeof (err as CodedError)?.code === 'string' ? ((err as CodedError).code as string) : 'internal';

export const messageOf = (err: unknown): string =>
  typeof (err as CodedError)?.message === 'string' && (err as CodedError).message
    ? ((err as CodedError).message as string)
    : 'The call failed.';

/** Errors after which the request may or may not have been carried out. */
export const AMBIGUOUS: ReadonlySet<string> = new Set(['unavailable', 'internal']);

export type JobCallOperation = AwsOperation | JobOperation;

export type JobCall = <T>(op: JobCallOperation, fn: () => Promise<T>) => Promise<T>;

export function jobCall(opts: {
  limiter: RateLimiter;
  settings: JobSettings;
  clock: Clock;
  random: () => number;
  /** The runner was killed: no further call is made. */
  isDead: () => boolean;
  onThrottled: () => void;
}): JobCall {
  const { limiter, settings } = opts;
  return async <T>(op: JobCallOperation, fn: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      await limiter.acquire(op);
      if (opts.isDead()) throw new StoreClosedError();
      try {
        return await fn();
      } catch (err) {
        if (opts.isDead()) throw new StoreClosedError();
        const code = codeOf(err);
        // A certificate request that got no answer may have been made: never sent twice blindly.
        const retryable = code === 'throttled' || (code === 'unavailable' && op !== 'CreateCertificateFromCsr');
        if (!retryable || attempt >= settings.maxAttempts) throw err;
        if (code === 'throttled') opts.onThrottled();
        await opts.clock.sleep(backoffDelay(attempt - 1, settings.baseDelayMs, settings.maxDelayMs, opts.random));
      }
    }
  };
}
