/**
 * Typed application errors. AWS exception names (the SDK sets `error.name` from the
 * `x-amzn-ErrorType` header) and Node network errors are mapped to a small set of
 * app codes, each with a message a person can act on. Pure module: no SDK import,
 * so forms, pages and tests can share the codes.
 */

export type AppErrorCode =
  | 'not_found'
  | 'already_exists'
  | 'invalid_request'
  | 'conflict'
  | 'certificate_state'
  | 'limit_exceeded'
  | 'throttled'
  | 'unauthorized'
  | 'unavailable'
  | 'misconfigured'
  | 'internal';

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** The AWS exception name (or Node error code) this error came from, for logs. */
  readonly source: string | undefined;
  /** Whether trying the same request again later may succeed. */
  readonly retryable: boolean;
  /** The AWS request id of the refused call (the SDK error's `$metadata`), for the audit trail and support. */
  readonly requestId: string | undefined;

  constructor(
    code: AppErrorCode,
    message: string,
    options: { source?: string; cause?: unknown; requestId?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.source = options.source;
    this.retryable = code === 'throttled' || code === 'unavailable';
    this.requestId = options.requestId ?? requestIdOf(options.cause);
  }
}

/** AWS exception names, across the control plane, the data plane and STS/credential failures. */
const CODE_BY_AWS_NAME: Readonly<Record<string, AppErrorCode>> = {
  ResourceNotFoundException: 'not_found',
  NotFoundException: 'not_found',
  ResourceAlreadyExistsException: 'already_exists',
  InvalidRequestException: 'invalid_request',
  MalformedPolicyException: 'invalid_request',
  CertificateValidationException: 'invalid_request',
  RegistrationCodeValidationException: 'invalid_request',
  InvalidQueryException: 'invalid_request',
  ValidationException: 'invalid_request',
  VersionConflictException: 'conflict',
  DeleteConflictException: 'conflict',
  ConflictException: 'conflict',
  ConflictingResourceUpdateException: 'conflict',
  CertificateStateException: 'certificate_state',
  LimitExceededException: 'limit_exceeded',
  VersionsLimitExceededException: 'limit_exceeded',
  ThrottlingException: 'throttled',
  TooManyRequestsException: 'throttled',
  UnauthorizedException: 'unauthorized',
  AccessDeniedException: 'unauthorized',
  ForbiddenException: 'unauthorized',
  UnrecognizedClientException: 'unauthorized',
  InvalidSignatureException: 'unauthorized',
  ExpiredTokenException: 'unauthorized',
  CredentialsProviderError: 'unauthorized',
  ServiceUnavailableException: 'unavailable',
  InternalFailureException: 'internal',
  InternalServerException: 'internal',
  InternalException: 'internal',
};

/** Node socket errors that mean "nothing answered", e.g. the emulator is not running. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export interface ErrorContext {
  /** What the request was about, e.g. `thing "sensor-1"`; used in not-found and already-exists messages. */
  resource?: string;
  /** Where the SDK was pointed, so an "unreachable" message can name it. */
  endpoint?: string;
  /** IOT_MODE of the call; unset: read from the environment. Decides what an "unreachable" message suggests. */
  mode?: 'local' | 'aws';
}

/** IOT_MODE as lib/aws/config.ts reads it (local unless it says aws), without that module's SDK-side imports. */
function modeFromEnv(): 'local' | 'aws' {
  return process.env.IOT_MODE?.trim().toLowerCase() === 'aws' ? 'aws' : 'local';
}

/** What to try when nothing answered: locally the emulator is not running; against AWS it is the network. */
function unreachableHint(mode: 'local' | 'aws'): string {
  return mode === 'local'
    ? 'If you run locally, start the emulator (npm run emulator) or use npm start.'
    : "Check this server's network access to AWS (DNS, proxy, firewall), AWS_REGION and any AWS_ENDPOINT_URL_IOT override.";
}

function describeFallback(code: AppErrorCode, ctx: ErrorContext, awsMessage: string | undefined): string {
  const what = ctx.resource ?? 'resource';
  switch (code) {
    case 'not_found':
      return `The ${what} does not exist (it may have been deleted).`;
    case 'already_exists':
      return `A ${what} with that name already exists with a different configuration.`;
    case 'invalid_request':
      return awsMessage ? `AWS IoT rejected the request: ${awsMessage}` : 'AWS IoT rejected the request as invalid.';
    case 'conflict':
      return awsMessage
        ? `The ${what} changed or is still in use: ${awsMessage}`
        : `The ${what} changed or is still in use. Reload and try again.`;
    case 'certificate_state':
      return awsMessage
        ? `The certificate is in the wrong state for this: ${awsMessage}`
        : 'The certificate is in the wrong state for this (an active certificate must be deactivated first).';
    case 'limit_exceeded':
      return awsMessage ? `An AWS IoT limit was reached: ${awsMessage}` : 'An AWS IoT limit was reached.';
    case 'throttled':
      return 'AWS IoT is rate-limiting requests. Wait a moment and try again.';
    case 'unauthorized':
      return 'AWS IoT refused the credentials. Check AWS_PROFILE / your AWS credentials and their IoT permissions.';
    case 'unavailable':
      return 'AWS IoT is temporarily unavailable. Try again in a moment.';
    case 'misconfigured':
      return 'The dashboard is misconfigured. Check IOT_MODE, AWS_REGION and the AWS_ENDPOINT_URL_* variables.';
    case 'internal':
      return 'AWS IoT had an internal error. Try again in a moment.';
  }
}

/** `$metadata.requestId` of an SDK error (also found on an error it caused). */
function requestIdOf(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 3) return undefined;
  const meta = (err as { $metadata?: unknown }).$metadata;
  const id = readString(meta, 'requestId');
  if (id) return id;
  return err instanceof Error && err.cause !== err ? requestIdOf(err.cause, depth + 1) : undefined;
}

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field: unknown = (value as Record<string, unknown>)[key];
  return typeof field === 'string' && field.length > 0 ? field : undefined;
}

/** Node reports a refused localhost connection as an AggregateError (IPv4 + IPv6 attempts); look inside. */
function networkCode(err: unknown): string | undefined {
  const code = readString(err, 'code');
  if (code && NETWORK_CODES.has(code)) return code;
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const innerCode = networkCode(inner);
      if (innerCode) return innerCode;
    }
  }
  if (err instanceof Error && err.cause !== undefined && err.cause !== err) return networkCode(err.cause);
  return undefined;
}

/** Turn anything thrown by an SDK call into an AppError. Already-mapped errors pass through. */
export function toAppError(err: unknown, ctx: ErrorContext = {}): AppError {
  if (err instanceof AppError) return err;

  const netCode = networkCode(err);
  if (netCode) {
    // Nothing answered: locally that almost always means the emulator is not running; in AWS mode it never does.
    const where = ctx.endpoint ? ` at ${ctx.endpoint}` : '';
    const message = `Cannot reach AWS IoT${where} (${netCode}). ${unreachableHint(ctx.mode ?? modeFromEnv())}`;
    return new AppError('unavailable', message, { source: netCode, cause: err });
  }

  const name = readString(err, 'name');
  const code = name ? CODE_BY_AWS_NAME[name] : undefined;
  if (name === 'AccessDeniedException') {
    // The credentials are good; the IAM policy does not allow this operation (AWS names it in its message).
    const awsMessage = readString(err, 'message');
    const message = `The dashboard's AWS identity is not allowed to do this${awsMessage ? ` (AWS: ${awsMessage})` : ''}. Its IAM policy per role is in docs/iam.`;
    return new AppError('unauthorized', message, { source: name, cause: err });
  }
  if (name && code) {
    return new AppError(code, describeFallback(code, ctx, readString(err, 'message')), { source: name, cause: err });
  }

  // Unknown: server-side faults (5xx) are reported as such, everything else as internal.
  const fault = readString(err, '$fault');
  const mapped: AppErrorCode = fault === 'server' ? 'unavailable' : 'internal';
  const message =
    mapped === 'unavailable'
      ? describeFallback('unavailable', {}, undefined)
      : `Unexpected error from AWS IoT${name ? ` (${name})` : ''}.`;
  return new AppError(mapped, message, { source: name, cause: err });
}

export function isAppError(err: unknown, code?: AppErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}
