/**
 * The Device Shadow service's limits and errors, spelled as AWS states them (AWS IoT developer guide, "Device Shadow
 * service documents" and "Device Shadow error messages"). Pure.
 */

/** desired + reported, as compact JSON, metadata not counted (AWS: "8 KB"; 413 above). */
export const MAX_STATE_BYTES = 8 * 1024;
/** Levels of nesting in desired or reported, the section object itself being level 1. */
export const MAX_NESTING_DEPTH = 6;
/** clientToken length in UTF-8 bytes. */
export const MAX_CLIENT_TOKEN_BYTES = 64;
/**
 * AWS: a shadow re-created within 48 hours of its deletion continues the deleted one's version; after that
 * the new shadow starts again from version 0 (so its first update gives version 1).
 */
export const VERSION_RETENTION_SECONDS = 48 * 60 * 60;

/** An error as AWS puts it in a rejected payload: an HTTP status code and a message. */
export interface ShadowError {
  code: number;
  message: string;
}

/** The messages of "Device Shadow error messages", spelled as AWS sends them. */
export const SHADOW_MESSAGES = {
  /**
   * Choice: the guide lists "Invalid JSON"; AWS's service has been seen answering an unparsable payload with
   * this text, which is what we send for a payload that is not JSON at all.
   */
  invalidJsonPayload: 'Payload contains invalid json',
  /** Valid JSON the service still refuses (nulls inside an array). */
  invalidJson: 'Invalid JSON',
  missingState: 'Missing required node: state',
  stateNotObject: 'State node must be an object',
  desiredNotObject: 'Desired node must be an object',
  reportedNotObject: 'Reported node must be an object',
  invalidVersion: 'Invalid version',
  invalidClientToken: 'Invalid clientToken',
  tooDeep: `JSON contains too many levels of nesting; maximum is ${MAX_NESTING_DEPTH}`,
  invalidStateNode: 'State contains an invalid node',
  versionConflict: 'Version conflict',
  tooLarge: 'The payload exceeds the maximum size allowed',
  unsupportedEncoding: 'Unsupported documented encoding; supported encoding is UTF-8',
  thingNotFound: 'Thing not found',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  throttled: 'Rate exceeded',
  internal: 'Internal service failure',
} as const;

export const shadowError = (code: number, message: string): ShadowError => ({ code, message });

/**
 * 404 for a shadow that does not exist. AWS names the classic shadow by its thing name
 * ("No shadow exists with name: 'myThing'"); for a named shadow devices have been seen to receive
 * `'thing~shadow'`. Choice: we send that form for named shadows.
 */
export function shadowNotFound(thingName: string, shadowName?: string): ShadowError {
  const name = shadowName ? `${thingName}~${shadowName}` : thingName;
  return shadowError(404, `No shadow exists with name: '${name}'`);
}

/**
 * The data-plane exception an HTTP shadow error goes out as (`x-amzn-ErrorType` / `__type`), by status code.
 * 403 has no modelled data-plane exception; ForbiddenException is what the SDK will surface by name.
 */
export const HTTP_EXCEPTION_BY_CODE: Readonly<Record<number, string>> = {
  400: 'InvalidRequestException',
  401: 'UnauthorizedException',
  403: 'ForbiddenException',
  404: 'ResourceNotFoundException',
  405: 'MethodNotAllowedException',
  409: 'ConflictException',
  413: 'RequestEntityTooLargeException',
  415: 'UnsupportedDocumentEncodingException',
  429: 'ThrottlingException',
  500: 'InternalFailureException',
  503: 'ServiceUnavailableException',
};
