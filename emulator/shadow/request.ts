/**
 * Reading shadow requests: the HTTP body or MQTT payload of an update, get or delete, validated in the order AWS
 * checks them, with the error AWS answers for each problem. Pure.
 */
import { hasNullInArray, isJsonObject, type JsonObject, jsonByteLength, nestingDepth } from '../../lib/shadows/json';
import {
  MAX_CLIENT_TOKEN_BYTES,
  MAX_NESTING_DEPTH,
  MAX_STATE_BYTES,
  SHADOW_MESSAGES,
  type ShadowError,
  shadowError,
} from './errors';

export interface UpdateState {
  /** An object merges into desired; null removes the whole section. */
  desired?: JsonObject | null;
  reported?: JsonObject | null;
}

export interface UpdateRequest {
  state: UpdateState;
  /** `{"state": null}` was sent: both sections go, and the answer echoes `"state": null` as AWS's does. */
  stateNull?: true;
  clientToken?: string;
  /** When present, the update applies only if it equals the shadow's current version. */
  version?: number;
}

export type ParseResult<T> =
  | ({ ok: true } & T)
  | {
      ok: false;
      error: ShadowError;
      /** The request's clientToken when it was read before the error, for the rejected payload. */
      clientToken?: string;
    };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Choice: how deep any part of a request may nest, members the service ignores included. AWS counts depth in
 * desired and reported only (MAX_NESTING_DEPTH); a request nesting far deeper anywhere is refused with the same
 * error rather than read, since nothing a device or console sends comes close.
 */
const MAX_DOCUMENT_DEPTH = 64;

/** Bytes → text → JSON. An empty payload counts as `{}` when `emptyIsObject` (GET and DELETE). */
function parsePayloadJson(
  payload: Buffer | Uint8Array | string,
  emptyIsObject: boolean,
): { ok: true; value: unknown } | { ok: false; error: ShadowError } {
  let text: string;
  if (typeof payload === 'string') {
    text = payload;
  } else {
    try {
      text = utf8.decode(payload);
    } catch {
      return { ok: false, error: shadowError(415, SHADOW_MESSAGES.unsupportedEncoding) };
    }
  }
  if (text.trim() === '' && emptyIsObject) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: shadowError(400, SHADOW_MESSAGES.invalidJsonPayload) };
  }
}

/** clientToken: a string of at most 64 UTF-8 bytes. */
function readClientToken(doc: JsonObject): { ok: true; clientToken?: string } | { ok: false; error: ShadowError } {
  if (!Object.hasOwn(doc, 'clientToken')) return { ok: true };
  const token = doc.clientToken;
  if (typeof token !== 'string' || Buffer.byteLength(token, 'utf8') > MAX_CLIENT_TOKEN_BYTES) {
    return { ok: false, error: shadowError(400, SHADOW_MESSAGES.invalidClientToken) };
  }
  return { ok: true, clientToken: token };
}

/**
 * Parses and validates an update request (the HTTP body or the `/update` MQTT payload). Checks, in order:
 * UTF-8 (415), JSON (400), clientToken, `state` present and an object, only desired/reported under state,
 * each an object or null, `version`, nesting depth, nulls in arrays, and the request's own size (413).
 *
 * Choices where AWS does not say:
 *  - Top-level members other than state, clientToken and version are ignored (AWS's own schema allows them).
 *  - `{"state": null}` clears both sections, as `{"state": {"desired": null, "reported": null}}` would; the
 *    accepted document echoes it as AWS does, `"state": null`. `{"state": {}}` is accepted and only bumps the
 *    version.
 *  - `version` must be a non-negative integer; 0 matches a shadow that does not exist yet.
 *  - A payload that is JSON but not an object (array, string...) is "Missing required node: state".
 */
export function parseUpdateRequest(payload: Buffer | Uint8Array | string): ParseResult<{ request: UpdateRequest }> {
  const json = parsePayloadJson(payload, false);
  if (!json.ok) return json;
  const doc = json.value;
  if (!isJsonObject(doc)) return { ok: false, error: shadowError(400, SHADOW_MESSAGES.missingState) };

  const token = readClientToken(doc);
  if (!token.ok) return token;
  const { clientToken } = token;
  const fail = (code: number, message: string): ParseResult<{ request: UpdateRequest }> =>
    clientToken === undefined
      ? { ok: false, error: shadowError(code, message) }
      : { ok: false, error: shadowError(code, message), clientToken };
  if (nestingDepth(doc, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH) return fail(400, SHADOW_MESSAGES.tooDeep);

  if (!Object.hasOwn(doc, 'state')) return fail(400, SHADOW_MESSAGES.missingState);
  const rawState = doc.state;
  let state: UpdateState;
  if (rawState === null) {
    state = { desired: null, reported: null };
  } else if (!isJsonObject(rawState)) {
    return fail(400, SHADOW_MESSAGES.stateNotObject);
  } else {
    if (Object.keys(rawState).some((key) => key !== 'desired' && key !== 'reported')) {
      return fail(400, SHADOW_MESSAGES.invalidStateNode);
    }
    state = {};
    if (Object.hasOwn(rawState, 'desired')) {
      const desired = rawState.desired;
      if (desired !== null && !isJsonObject(desired)) return fail(400, SHADOW_MESSAGES.desiredNotObject);
      state.desired = desired ?? null;
    }
    if (Object.hasOwn(rawState, 'reported')) {
      const reported = rawState.reported;
      if (reported !== null && !isJsonObject(reported)) return fail(400, SHADOW_MESSAGES.reportedNotObject);
      state.reported = reported ?? null;
    }
  }

  let version: number | undefined;
  if (Object.hasOwn(doc, 'version')) {
    const v = doc.version;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return fail(400, SHADOW_MESSAGES.invalidVersion);
    version = v;
  }

  for (const section of [state.desired, state.reported]) {
    if (!section) continue;
    if (nestingDepth(section, MAX_NESTING_DEPTH) > MAX_NESTING_DEPTH) return fail(400, SHADOW_MESSAGES.tooDeep);
    // AWS: "Arrays can't have null values ... will be rejected."
    if (hasNullInArray(section)) return fail(400, SHADOW_MESSAGES.invalidJson);
  }
  if (stateBytes(state) > MAX_STATE_BYTES) return fail(413, SHADOW_MESSAGES.tooLarge);

  const request: UpdateRequest = { state };
  if (rawState === null) request.stateNull = true;
  if (clientToken !== undefined) request.clientToken = clientToken;
  if (version !== undefined) request.version = version;
  return { ok: true, request };
}

/**
 * Parses a GET or DELETE request payload (MQTT `/get`, `/delete`): empty, or a JSON object whose only member
 * of interest is `clientToken`. Anything else in it is ignored.
 */
export function parseTokenRequest(payload: Buffer | Uint8Array | string): ParseResult<{ clientToken?: string }> {
  const json = parsePayloadJson(payload, true);
  if (!json.ok) return json;
  if (!isJsonObject(json.value)) return { ok: true };
  const token = readClientToken(json.value);
  if (!token.ok) return token;
  if (nestingDepth(json.value, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH) {
    const error = shadowError(400, SHADOW_MESSAGES.tooDeep);
    return token.clientToken === undefined
      ? { ok: false, error }
      : { ok: false, error, clientToken: token.clientToken };
  }
  return token.clientToken === undefined ? { ok: true } : { ok: true, clientToken: token.clientToken };
}

/** Size counted against MAX_STATE_BYTES: the compact JSON of desired plus that of reported. */
export function stateBytes(state: { desired?: JsonObject | null; reported?: JsonObject | null }): number {
  let bytes = 0;
  if (state.desired) bytes += jsonByteLength(state.desired);
  if (state.reported) bytes += jsonByteLength(state.reported);
  return bytes;
}
