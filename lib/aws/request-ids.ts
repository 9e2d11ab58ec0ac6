import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The AWS request ids of the calls a piece of work made, for the audit trail ("which AWS request was this?"),
 * without changing what lib/aws's functions return: every client made by lib/aws carries a middleware that
 * notes each response's (or error's) request id, and `collectAwsRequestIds(run)` gathers the ids of the calls
 * made while `run` runs (AsyncLocalStorage: concurrent requests each see their own).
 */

/** One storage for the process: Next.js may load this module once per route bundle. */
const KEY = Symbol.for('iot-dashboard.aws-request-ids');
const storage: AsyncLocalStorage<string[]> = ((globalThis as Record<symbol, unknown>)[KEY] ??= new AsyncLocalStorage<
  string[]
>()) as AsyncLocalStorage<string[]>;

/** Runs `run`; every AWS request id noted meanwhile is appended to `ids`, in order. */
export function collectAwsRequestIds<T>(ids: string[], run: () => Promise<T>): Promise<T> {
  return storage.run(ids, run);
}

/** The request id of an SDK output or error (`$metadata.requestId`). */
export function awsRequestIdOf(value: unknown): string | undefined {
  const meta = typeof value === 'object' && value !== null ? (value as { $metadata?: unknown }).$metadata : undefined;
  const id = typeof meta === 'object' && meta !== null ? (meta as { requestId?: unknown }).requestId : undefined;
  return typeof id === 'string' && id ? id : undefined;
}

function note(id: string | undefined): void {
  if (id) storage.getStore()?.push(id);
}

interface MiddlewareHost {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<{ output: unknown }>,
      ) => (args: unknown) => Promise<{ output: unknown }>,
      options: { step: 'initialize'; name: string; override?: boolean },
    ): void;
  };
}

/** Adds the noting middleware to an SDK client (outermost: it sees the final answer, after any retries). */
export function noteRequestIds<C>(client: C): C {
  (client as unknown as MiddlewareHost).middlewareStack.add(
    (next) => async (args) => {
      try {
        const out = await next(args);
        note(awsRequestIdOf(out.output));
        return out;
      } catch (err) {
        note(awsRequestIdOf(err));
        throw err;
      }
    },
    { step: 'initialize', name: 'dashboardNoteRequestIds', override: true },
  );
  return client;
}
