import { logger } from '../log/logger';

/**
 * Every AWS call that fails is logged once, as it leaves the SDK (after the SDK's own retries): which
 * operation, AWS's exception name (or the network error's code), the HTTP status, AWS's request id (what AWS
 * support asks for) and how many attempts were made. The operator of a deployed dashboard diagnoses from
 * this side. Never the request's input or AWS's message: a signature mismatch's message quotes the canonical
 * request, session token header included.
 *
 * Client faults (4xx: not found, throttled, refused) are `warn`, server faults and nothing answering `error`.
 */

interface SdkContext {
  clientName?: string;
  commandName?: string;
}

interface MiddlewareHost {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<{ output: unknown }>,
        context: SdkContext,
      ) => (args: unknown) => Promise<{ output: unknown }>,
      options: { step: 'initialize'; name: string; override?: boolean },
    ): void;
  };
}

export interface AwsFailure {
  /** The SDK client, e.g. IoT, IoTDataPlane. */
  service: string | undefined;
  operation: string | undefined;
  /** AWS's exception name, or the Node network error's code (ECONNREFUSED, ENOTFOUND ...). */
  exception: string;
  httpStatus?: number;
  requestId?: string;
  attempts?: number;
}

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

/** A Node network error's code, also inside the AggregateError a refused localhost connection becomes. */
function networkCode(err: unknown, depth = 0): string | undefined {
  if (depth > 3) return undefined;
  const code = field(err, 'code');
  if (typeof code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(code)) return code;
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const found = networkCode(inner, depth + 1);
      if (found) return found;
    }
  }
  return err instanceof Error && err.cause !== err ? networkCode(err.cause, depth + 1) : undefined;
}

/** What the log says about a failed call. */
export function describeAwsFailure(err: unknown, context: SdkContext): AwsFailure {
  const meta = field(err, '$metadata');
  const status = field(meta, 'httpStatusCode');
  const requestId = field(meta, 'requestId');
  const attempts = field(meta, 'attempts');
  const name = field(err, 'name');
  const failure: AwsFailure = {
    service: context.clientName?.replace(/Client$/, ''),
    operation: context.commandName?.replace(/Command$/, ''),
    exception: networkCode(err) ?? (typeof name === 'string' && name ? name : 'Error'),
  };
  if (typeof status === 'number') failure.httpStatus = status;
  if (typeof requestId === 'string' && requestId) failure.requestId = requestId;
  if (typeof attempts === 'number') failure.attempts = attempts;
  return failure;
}

/** Adds the failure-logging middleware to an SDK client (outermost: it sees the last attempt's answer). */
export function logAwsFailures<C>(client: C): C {
  (client as unknown as MiddlewareHost).middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        const aws = describeAwsFailure(err, context);
        const clientFault = aws.httpStatus !== undefined && aws.httpStatus < 500;
        logger()[clientFault ? 'warn' : 'error']({ aws }, `AWS ${aws.operation ?? 'call'} failed: ${aws.exception}`);
        throw err;
      }
    },
    { step: 'initialize', name: 'dashboardLogAwsFailures', override: true },
  );
  return client;
}
