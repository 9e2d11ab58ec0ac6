import { AwsError, internalFailure } from '../errors';
import type { ApiResult } from './request';

/**
 * The one mapping from a thrown error to the HTTP answer. An AwsError (every rule of the registry, the shadow
 * service and the HTTP layer throws one) goes out as AWS sends it: its status, the exception name in the
 * `x-amzn-ErrorType` header and as `__type` in the body beside `message` and any extra members. Anything else
 * is a bug of ours, not the caller's: a 500 that says so without leaking internals, the detail in our log.
 */
export function errorResponse(err: unknown, log: (line: string) => void, operation: string): ApiResult {
  const error = err instanceof AwsError ? err : internalError(err, log, operation);
  return {
    status: error.status,
    json: { ...error.extra, message: error.message, __type: error.code },
    headers: { 'x-amzn-ErrorType': error.code },
  };
}

function internalError(err: unknown, log: (line: string) => void, operation: string): AwsError {
  log(`internal error in ${operation}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return internalFailure('An internal error occurred in the local IoT Core.');
}
