/**
 * AWS errors as the IoT service sends them: an HTTP status, the exception name (sent in the
 * `x-amzn-ErrorType` header and as `__type` in the body) and a message. The SDK and botocore
 * both read the name from the header first, so every error goes out in all three forms
 * (emulator/http/error-response.ts writes them).
 *
 * Each exception's status is written once, in the tables below; the factories and fault injection read them.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** Extra body members AWS sends with some errors (resourceId, resourceArn). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }
}

/** Status codes of the control-plane exceptions. */
export const CONTROL_PLANE_ERROR_STATUS = {
  InvalidRequestException: 400,
  ThrottlingException: 400,
  UnauthorizedException: 401,
  // What AWS answers a caller whose IAM policy does not allow the operation; the emulator raises it only as an
  // injected fault (/_emulator/faults), to show how the dashboard behaves with a least-privilege role.
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  CertificateStateException: 406,
  ResourceAlreadyExistsException: 409,
  VersionConflictException: 409,
  DeleteConflictException: 409,
  VersionsLimitExceededException: 409,
  CertificateConflictException: 409,
  LimitExceededException: 410,
  RegistrationCodeValidationException: 400,
  CertificateValidationException: 400,
  MalformedPolicyException: 400,
  InvalidQueryException: 400,
  InvalidAggregationException: 400,
  IndexNotReadyException: 400,
  InternalFailureException: 500,
  ServiceUnavailableException: 503,
} as const satisfies Record<string, number>;

/** The data plane (shadows, Publish, retained messages) answers some of the same names with other statuses. */
export const DATA_PLANE_ERROR_STATUS = {
  InvalidRequestException: 400,
  UnauthorizedException: 401,
  ForbiddenException: 403,
  ResourceNotFoundException: 404,
  MethodNotAllowedException: 405,
  ConflictException: 409,
  RequestEntityTooLargeException: 413,
  UnsupportedDocumentEncodingException: 415,
  ThrottlingException: 429,
  InternalFailureException: 500,
  ServiceUnavailableException: 503,
} as const satisfies Record<string, number>;

export type ControlPlaneException = keyof typeof CONTROL_PLANE_ERROR_STATUS;
export type DataPlaneException = keyof typeof DATA_PLANE_ERROR_STATUS;

export const DATA_PLANE_OPERATIONS = new Set([
  'GetThingShadow',
  'UpdateThingShadow',
  'DeleteThingShadow',
  'ListNamedShadowsForThing',
  'Publish',
  'GetRetainedMessage',
  'ListRetainedMessages',
]);

/** The status AWS sends `error` with from `operation`'s plane (`*`: any operation). */
export function errorStatus(error: string, operation: string): number | undefined {
  if (DATA_PLANE_OPERATIONS.has(operation) && Object.hasOwn(DATA_PLANE_ERROR_STATUS, error)) {
    return DATA_PLANE_ERROR_STATUS[error as DataPlaneException];
  }
  if (Object.hasOwn(CONTROL_PLANE_ERROR_STATUS, error))
    return CONTROL_PLANE_ERROR_STATUS[error as ControlPlaneException];
  if (Object.hasOwn(DATA_PLANE_ERROR_STATUS, error)) return DATA_PLANE_ERROR_STATUS[error as DataPlaneException];
  return undefined;
}

/** `error` as `operation` answers it (fault injection, rate quotas); a name neither plane knows is a 500. */
export const operationError = (error: string, operation: string, message: string) =>
  new AwsError(error, errorStatus(error, operation) ?? 500, message);

const controlPlane = (name: ControlPlaneException, message: string, extra?: Record<string, unknown>) =>
  new AwsError(name, CONTROL_PLANE_ERROR_STATUS[name], message, extra);
/** A data-plane exception with its data-plane status (the shadow service's errors over HTTP, Publish). */
export const dataPlaneError = (name: DataPlaneException, message: string) =>
  new AwsError(name, DATA_PLANE_ERROR_STATUS[name], message);

export const invalidRequest = (message: string) => controlPlane('InvalidRequestException', message);
export const notFound = (message: string) => controlPlane('ResourceNotFoundException', message);
export const alreadyExists = (message: string, resourceId: string, resourceArn?: string) =>
  controlPlane('ResourceAlreadyExistsException', message, { resourceId, ...(resourceArn ? { resourceArn } : {}) });
export const versionConflict = (message: string) => controlPlane('VersionConflictException', message);
export const deleteConflict = (message: string) => controlPlane('DeleteConflictException', message);
export const certificateState = (message: string) => controlPlane('CertificateStateException', message);
export const certificateValidation = (message: string) => controlPlane('CertificateValidationException', message);
export const certificateConflict = (message: string) => controlPlane('CertificateConflictException', message);
export const registrationCodeValidation = (message: string) =>
  controlPlane('RegistrationCodeValidationException', message);
export const malformedPolicy = (message: string) => controlPlane('MalformedPolicyException', message);
export const invalidQuery = (message: string) => controlPlane('InvalidQueryException', message);
export const invalidAggregation = (message: string) => controlPlane('InvalidAggregationException', message);
export const versionsLimitExceeded = (message: string) => controlPlane('VersionsLimitExceededException', message);
export const limitExceeded = (message: string) => controlPlane('LimitExceededException', message);
export const internalFailure = (message = 'Internal failure') => controlPlane('InternalFailureException', message);

export const forbidden = (message: string) => dataPlaneError('ForbiddenException', message);
export const requestEntityTooLarge = (message: string) => dataPlaneError('RequestEntityTooLargeException', message);
export const methodNotAllowed = (message: string) => dataPlaneError('MethodNotAllowedException', message);
/** No route at this path: the answer of AWS's front door, before any operation. */
export const unknownOperation = (message: string) => new AwsError('UnknownOperationException', 404, message);
