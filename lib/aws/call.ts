import 'server-only';

import type { IoTClient } from '@aws-sdk/client-iot';

import { getIotClient } from './client';
import { describeControlEndpoint, readIotConfig } from './config';
import { toAppError } from './errors';

/**
 * Runs SDK calls against the current configuration's client; any failure becomes an AppError naming
 * `resource` and the endpoint, with a message fit for a person. Every lib/aws module goes through this.
 */
export async function callIot<T>(resource: string, run: (client: IoTClient) => Promise<T>): Promise<T> {
  const config = readIotConfig();
  try {
    return await run(getIotClient(config));
  } catch (err) {
    throw toAppError(err, { resource, endpoint: describeControlEndpoint(config) });
  }
}

/** The AWS exception name of an SDK error (or undefined). */
export function awsErrorName(err: unknown): string | undefined {
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}
