/**
 * AWS errors as the IoT service sends them: an HTTP status, the exception name (sent in the
 * `x-amzn-ErrorType` header and as `__type` in the body) and a message. The SDK and botocore
 * both read the name from the header first, so every error goes out in all three forms.
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

export const invalidRequest = (message: string) => new AwsError('InvalidRequestException', 400, message);
export const notFound = (message: string) => new AwsError('ResourceNotFoundException', 404, message);
export const alreadyExists = (message: string, resourceId: string, resourceArn?: string) =>
  new AwsError('ResourceAlreadyExistsException', 409, message, { resourceId, ...(resourceArn ? { resourceArn } : {}) });
export const versionConflict = (message: string) => new AwsError('VersionConflictException', 409, message);
export const deleteConflict = (message: string) => new AwsError('DeleteConflictException', 409, message);
export const certificateState = (message: string) => new AwsError('CertificateStateException', 406, message);
export const certificateValidation = (message: string) => new AwsError('CertificateValidationException', 400, message);
export const registrationCodeValidation = (message: string) =>
  new AwsError('RegistrationCodeValidationException', 400, message);
export const malformedPolicy = (message: string) => new AwsError('MalformedPolicyException', 400, message);
export const versionsLimitExceeded = (message: string) => new AwsError('VersionsLimitExceededException', 409, message);
export const limitExceeded = (message: string) => new AwsError('LimitExceededException', 410, message);
export const internalFailure = (message = 'Internal failure') => new AwsError('InternalFailureException', 500, message);

/** Status codes of the control-plane exceptions, for fault injection by name. */
export const CONTROL_PLANE_ERROR_STATUS: Record<string, number> = {
  InvalidRequestException: 400,
  ThrottlingException: 400,
  UnauthorizedException: 401,
  ResourceNotFoundException: 404,
  CertificateStateException: 406,
  ResourceAlreadyExistsException: 409,
  VersionConflictException: 409,
  DeleteConflictException: 409,
  VersionsLimitExceededException: 409,
  LimitExceededException: 410,
  RegistrationCodeValidationException: 400,
  CertificateValidationException: 400,
  MalformedPolicyException: 400,
  InternalFailureException: 500,
  ServiceUnavailableException: 503,
};

/** The data plane (shadows, Publish, retained messages) answers some of the same names with other statuses. */
export const DATA_PLANE_ERROR_STATUS: Record<string, number> = {
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
};

export const DATA_PLANE_OPERATIONS = new Set([
  'GetThingShadow',
  'UpdateThingShadow',
  'DeleteThingShadow',
  'ListNamedShadowsForThing',
  'Publish',
  'GetRetainedMessage',
  'ListRetainedMessages',
]);

/** The status AWS sends `error` with from `operation`'s plane. */
export function errorStatus(error: string, operation: string): number | undefined {
  if (DATA_PLANE_OPERATIONS.has(operation) && error in DATA_PLANE_ERROR_STATUS) return DATA_PLANE_ERROR_STATUS[error];
  return CONTROL_PLANE_ERROR_STATUS[error] ?? DATA_PLANE_ERROR_STATUS[error];
}
