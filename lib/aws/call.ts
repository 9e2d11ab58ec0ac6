import 'server-only';

import type { IoTClient } from '@aws-sdk/client-iot';

import { getIotClient } from './client';
import { describeControlEndpoint, readIotConfig } from './config';
import { type AppError, toAppError } from './errors';

/**
 * How every lib/aws function sends its request(s). Options every operation accepts:
 * - `client`: a client of the caller's own (other retry settings: the bulk runner's has the SDK's retries
 *   off); by default the server's shared client for the current configuration.
 */
export interface CallOptions {
  client?: IoTClient;
}

interface CallIotOptions extends CallOptions {
  /**
   * The operation's own wording for AWS refusals it knows (called with the SDK's raw error); undefined
   * falls back to the generic mapping.
   */
  mapError?: (err: unknown) => AppError | undefined;
}

/**
 * Runs SDK calls on a client; any failure becomes an AppError naming `resource` (and, on the shared
 * client, the endpoint) with a message fit for a person.
 */
export async function callIot<T>(
  resource: string,
  run: (client: IoTClient) => Promise<T>,
  options: CallIotOptions = {},
): Promise<T> {
  const config = options.client ? undefined : readIotConfig();
  try {
    return await run(options.client ?? getIotClient(config));
  } catch (err) {
    const mapped = options.mapError?.(err);
    if (mapped) throw mapped;
    throw toAppError(
      err,
      config ? { resource, endpoint: describeControlEndpoint(config), mode: config.mode } : { resource },
    );
  }
}

/** The AWS exception name of an SDK error (or undefined). */
export function awsErrorName(err: unknown): string | undefined {
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** The AWS message of an SDK error ('' when it has none). */
export function awsErrorMessage(err: unknown): string {
  const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : '';
}

/** A first-page size clamped to AWS's 1..max (undefined: AWS's default). */
export const clampPage = (n: number | undefined, max = 250): number | undefined =>
  n === undefined ? undefined : Math.min(Math.max(Math.trunc(n), 1), max);

export const shortId = (id: string) => `${id.slice(0, 10)}…`;

/** Whether an error is AppError `not_found` (callers for which "already gone" is success use it). */
export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'not_found';
}

/** Runs `fn`; AppError `not_found` becomes `fallback` (for reads and undos where "not there" is an answer). */
export async function orIfNotFound<T>(fn: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isNotFound(err)) return fallback;
    throw err;
  }
}
