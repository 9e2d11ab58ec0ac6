/**
 * The pure logic of AWS IoT Device Shadows: request parsing and validation, the update merge, metadata,
 * versions, delta, and the response documents of the HTTP API (GetThingShadow / UpdateThingShadow /
 * DeleteThingShadow) and the MQTT topics (`/update/accepted`, `/update/delta`, `/update/documents`,
 * `/get/accepted`, `/delete/accepted`, `.../rejected`). No I/O and no clock: callers pass `nowSeconds`.
 *
 * Behaviour follows the AWS IoT developer guide ("Device Shadow service documents", "Device Shadow MQTT topics",
 * "Device Shadow error messages") and, where the guide is silent, AWS's own local implementation of the same
 * service (aws-greengrass-shadow-manager). Choices made where neither is definitive are marked "Choice:".
 *
 * Typical use (update):
 *   const parsed = parseUpdateRequest(body);
 *   if (!parsed.ok) → reply rejected(parsed.error, { clientToken: parsed.clientToken, timestamp: now })
 *   const result = applyUpdate(stored, parsed.request, now);   // stored: StoredShadow | DeletedShadow | undefined
 *   if (!result.ok) → rejected(result.error, ...)
 *   store result.next; reply result.accepted; publish result.delta (if any) and result.documents.
 * Delete: applyDelete(stored, now, name) → store its `tombstone` (it keeps the version counter).
 */
import { computeDelta, deltaMetadata } from '../../lib/shadows/delta';
import {
  hasNullInArray,
  isJsonObject,
  jsonByteLength,
  nestingDepth,
  setMember,
  stampMetadata,
  type JsonObject,
  type MetaNode,
  type MetaTree,
} from './json';

export type { JsonObject, JsonValue, MetaLeaf, MetaNode, MetaTree } from './json';

// ---------------------------------------------------------------------------------------------------------------
// Limits and error messages

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

const err = (code: number, message: string): ShadowError => ({ code, message });

/**
 * 404 for a shadow that does not exist. AWS names the classic shadow by its thing name
 * ("No shadow exists with name: 'myThing'"); for a named shadow devices have been seen to receive
 * `'thing~shadow'`. Choice: we send that form for named shadows.
 */
export function shadowNotFound(thingName: string, shadowName?: string): ShadowError {
  const name = shadowName ? `${thingName}~${shadowName}` : thingName;
  return err(404, `No shadow exists with name: '${name}'`);
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

// ---------------------------------------------------------------------------------------------------------------
// Stored shapes

export interface ShadowState {
  desired?: JsonObject;
  reported?: JsonObject;
}

export interface ShadowMetadata {
  desired?: MetaTree;
  reported?: MetaTree;
}

/** A live shadow as the store keeps it. Never holds an empty section or an empty nested object. */
export interface StoredShadow {
  state: ShadowState;
  metadata: ShadowMetadata;
  /** 1 after the first update, +1 on every accepted update. */
  version: number;
  /** Epoch seconds of the last accepted update. */
  timestamp: number;
}

/**
 * What the store keeps after DeleteThingShadow: no state, only the version counter and when it was deleted.
 * GET and DELETE treat it as "no shadow" (404); UPDATE re-creates the shadow continuing from `version`
 * (within VERSION_RETENTION_SECONDS). A store may also simply forget it after that time.
 */
export interface DeletedShadow {
  deleted: true;
  version: number;
  /** Epoch seconds of the deletion. */
  deletedAt: number;
}

export function isDeletedShadow(shadow: StoredShadow | DeletedShadow | undefined): shadow is DeletedShadow {
  return shadow !== undefined && 'deleted' in shadow && shadow.deleted === true;
}

/** The live shadow, or undefined when there is none (never created, or deleted). */
export function liveShadow(shadow: StoredShadow | DeletedShadow | undefined): StoredShadow | undefined {
  return shadow === undefined || isDeletedShadow(shadow) ? undefined : shadow;
}

/**
 * The version an update's `version` field is compared with, and the one the next version follows:
 * the live shadow's version, a deleted shadow's version for 48 hours, otherwise 0.
 */
export function currentVersion(shadow: StoredShadow | DeletedShadow | undefined, nowSeconds: number): number {
  if (shadow === undefined) return 0;
  if (isDeletedShadow(shadow)) {
    return nowSeconds - shadow.deletedAt <= VERSION_RETENTION_SECONDS ? shadow.version : 0;
  }
  return shadow.version;
}

// ---------------------------------------------------------------------------------------------------------------
// Response documents

/** `/update/accepted` and the UpdateThingShadow response. */
export interface AcceptedDoc {
  /** The requested state as sent, nulls included. */
  state: UpdateState;
  /** A timestamp for every field of the request, including the nulls that removed fields. */
  metadata: { desired?: MetaNode; reported?: MetaNode };
  version: number;
  timestamp: number;
  clientToken?: string;
}

/** `/update/delta`. */
export interface DeltaDoc {
  state: JsonObject;
  metadata: MetaTree;
  version: number;
  timestamp: number;
  clientToken?: string;
}

export interface DocumentsSnapshot {
  state: ShadowState;
  metadata: ShadowMetadata;
  version: number;
}

/** `/update/documents`. `previous` is absent when the update created the shadow. */
export interface DocumentsDoc {
  previous?: DocumentsSnapshot;
  current: DocumentsSnapshot;
  timestamp: number;
  clientToken?: string;
}

/** `/get/accepted` and the GetThingShadow response. */
export interface GetAcceptedDoc {
  state: ShadowState & { delta?: JsonObject };
  metadata: ShadowMetadata;
  version: number;
  timestamp: number;
  clientToken?: string;
}

/** `/delete/accepted` and the DeleteThingShadow response: the deleted shadow's version. */
export interface DeleteAcceptedDoc {
  version: number;
  timestamp: number;
  clientToken?: string;
}

/** `.../rejected`. */
export interface RejectedDoc {
  code: number;
  message: string;
  timestamp?: number;
  clientToken?: string;
}

/**
 * A rejected payload. AWS says `timestamp` "is not present in all error response documents" (404s for GET and
 * DELETE have been seen without one), so it is included only when given; `clientToken` only when the request
 * carried a valid one.
 */
export function rejected(error: ShadowError, options: { clientToken?: string; timestamp?: number } = {}): RejectedDoc {
  const doc: RejectedDoc = { code: error.code, message: error.message };
  if (options.timestamp !== undefined) doc.timestamp = options.timestamp;
  if (options.clientToken !== undefined) doc.clientToken = options.clientToken;
  return doc;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

export interface UpdateState {
  /** An object merges into desired; null removes the whole section. */
  desired?: JsonObject | null;
  reported?: JsonObject | null;
}

export interface UpdateRequest {
  state: UpdateState;
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
      return { ok: false, error: err(415, SHADOW_MESSAGES.unsupportedEncoding) };
    }
  }
  if (text.trim() === '' && emptyIsObject) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: err(400, SHADOW_MESSAGES.invalidJsonPayload) };
  }
}

/** clientToken: a string of at most 64 UTF-8 bytes. */
function readClientToken(doc: JsonObject): { ok: true; clientToken?: string } | { ok: false; error: ShadowError } {
  if (!Object.hasOwn(doc, 'clientToken')) return { ok: true };
  const token = doc.clientToken;
  if (typeof token !== 'string' || Buffer.byteLength(token, 'utf8') > MAX_CLIENT_TOKEN_BYTES) {
    return { ok: false, error: err(400, SHADOW_MESSAGES.invalidClientToken) };
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
 *  - `{"state": null}` clears both sections, as `{"state": {"desired": null, "reported": null}}` would, and is
 *    echoed in that form; `{"state": {}}` is accepted and only bumps the version.
 *  - `version` must be a non-negative integer; 0 matches a shadow that does not exist yet.
 *  - A payload that is JSON but not an object (array, string...) is "Missing required node: state".
 */
export function parseUpdateRequest(payload: Buffer | Uint8Array | string): ParseResult<{ request: UpdateRequest }> {
  const json = parsePayloadJson(payload, false);
  if (!json.ok) return json;
  const doc = json.value;
  if (!isJsonObject(doc)) return { ok: false, error: err(400, SHADOW_MESSAGES.missingState) };

  const token = readClientToken(doc);
  if (!token.ok) return token;
  const { clientToken } = token;
  const fail = (code: number, message: string): ParseResult<{ request: UpdateRequest }> =>
    clientToken === undefined
      ? { ok: false, error: err(code, message) }
      : { ok: false, error: err(code, message), clientToken };

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
    if (nestingDepth(section) > MAX_NESTING_DEPTH) return fail(400, SHADOW_MESSAGES.tooDeep);
    // AWS: "Arrays can't have null values ... will be rejected."
    if (hasNullInArray(section)) return fail(400, SHADOW_MESSAGES.invalidJson);
  }
  if (stateBytes(state) > MAX_STATE_BYTES) return fail(413, SHADOW_MESSAGES.tooLarge);

  const request: UpdateRequest = { state };
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
  return token.clientToken === undefined ? { ok: true } : { ok: true, clientToken: token.clientToken };
}

/** Size counted against MAX_STATE_BYTES: the compact JSON of desired plus that of reported. */
export function stateBytes(state: { desired?: JsonObject | null; reported?: JsonObject | null }): number {
  let bytes = 0;
  if (state.desired) bytes += jsonByteLength(state.desired);
  if (state.reported) bytes += jsonByteLength(state.reported);
  return bytes;
}

// ---------------------------------------------------------------------------------------------------------------
// Update

export type UpdateResult =
  | {
      ok: true;
      /** What to store. */
      next: StoredShadow;
      /** `/update/accepted` and the HTTP response body. */
      accepted: AcceptedDoc;
      /** `/update/delta`, only when it is to be published. */
      delta?: DeltaDoc;
      /** `/update/documents`. */
      documents: DocumentsDoc;
    }
  | { ok: false; error: ShadowError };

/**
 * Applies a parsed update to the stored shadow (or to none / a deleted one, which creates it).
 *
 * - Version: a request `version` different from currentVersion() is 409 "Version conflict"; none skips the
 *   check. The new shadow's version is currentVersion() + 1.
 * - Merge: only the sent fields change; a null removes the field (and its metadata); objects merge member by
 *   member; arrays and scalars replace whole; `"desired": null` / `"reported": null` remove the section.
 *   Choice: an object left empty is removed, so the stored state never holds `{}` (this includes an empty
 *   object that was sent as a value).
 * - Metadata: every field present in the request gets `nowSeconds`, even when its value did not change (AWS
 *   stamps what was written, not what changed); fields not in the request keep their timestamps.
 * - Size: the resulting desired + reported over 8 KB is 413, nothing stored.
 * - Delta: published when the request wrote `desired` and desired then differs from reported; it carries every
 *   field that differs now, not only the ones in this request. Choice: an update of `reported` alone publishes
 *   no delta even if desired and reported differ (a device reporting should not be sent a delta for it); GET
 *   always shows the delta.
 */
export function applyUpdate(
  current: StoredShadow | DeletedShadow | undefined,
  request: UpdateRequest,
  nowSeconds: number,
): UpdateResult {
  const baseVersion = currentVersion(current, nowSeconds);
  if (request.version !== undefined && request.version !== baseVersion) {
    return { ok: false, error: err(409, SHADOW_MESSAGES.versionConflict) };
  }
  const previous = liveShadow(current);
  const oldState: ShadowState = previous?.state ?? {};
  const oldMeta: ShadowMetadata = previous?.metadata ?? {};

  const state: ShadowState = {};
  const metadata: ShadowMetadata = {};
  for (const section of ['desired', 'reported'] as const) {
    const patch = request.state[section];
    const before = oldState[section];
    if (patch === undefined) {
      if (before) {
        state[section] = before;
        const meta = oldMeta[section];
        if (meta) metadata[section] = meta;
      }
      continue;
    }
    if (patch === null) continue;
    const merged = mergeObject(before, patch);
    if (merged) {
      state[section] = merged;
      metadata[section] = mergeMetadata(before, oldMeta[section], patch, merged, nowSeconds);
    }
  }

  if (stateBytes(state) > MAX_STATE_BYTES) return { ok: false, error: err(413, SHADOW_MESSAGES.tooLarge) };

  const version = baseVersion + 1;
  const next: StoredShadow = { state, metadata, version, timestamp: nowSeconds };
  const token = request.clientToken;

  const requestMeta: AcceptedDoc['metadata'] = {};
  if (request.state.desired !== undefined) requestMeta.desired = stampMetadata(request.state.desired, nowSeconds);
  if (request.state.reported !== undefined) requestMeta.reported = stampMetadata(request.state.reported, nowSeconds);
  const accepted: AcceptedDoc = withToken(
    { state: request.state, metadata: requestMeta, version, timestamp: nowSeconds },
    token,
  );

  let delta: DeltaDoc | undefined;
  if (request.state.desired) {
    const diff = computeDelta(state.desired, state.reported);
    if (diff) {
      delta = withToken(
        { state: diff, metadata: deltaMetadata(diff, metadata.desired), version, timestamp: nowSeconds },
        token,
      );
    }
  }

  // AWS's member order: previous, current, timestamp, clientToken.
  const documents: DocumentsDoc = previous
    ? withToken({ previous: snapshot(previous), current: snapshot(next), timestamp: nowSeconds }, token)
    : withToken({ current: snapshot(next), timestamp: nowSeconds }, token);

  return delta ? { ok: true, next, accepted, delta, documents } : { ok: true, next, accepted, documents };
}

/** Merges `patch` into `base` without modifying either; undefined when the result is empty. */
function mergeObject(base: JsonObject | undefined, patch: JsonObject): JsonObject | undefined {
  const result: JsonObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else if (isJsonObject(value)) {
      const existing = base && Object.hasOwn(base, key) ? base[key] : undefined;
      const merged = mergeObject(isJsonObject(existing) ? existing : undefined, value);
      if (merged) setMember(result, key, merged);
      else delete result[key];
    } else {
      setMember(result, key, value);
    }
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/**
 * New metadata for a merged object: members the patch did not touch keep their old metadata, members it
 * wrote are stamped `now` (recursing where an object merged into an object), removed members disappear.
 */
function mergeMetadata(
  before: JsonObject | undefined,
  beforeMeta: MetaTree | undefined,
  patch: JsonObject,
  after: JsonObject,
  now: number,
): MetaTree {
  const meta: MetaTree = {};
  for (const [key, value] of Object.entries(after)) {
    const oldValue = before && Object.hasOwn(before, key) ? before[key] : undefined;
    const oldNode = beforeMeta && Object.hasOwn(beforeMeta, key) ? beforeMeta[key] : undefined;
    const written = Object.hasOwn(patch, key) ? patch[key] : undefined;
    if (written === undefined) {
      setMember(meta, key, oldNode ?? stampMetadata(value, now));
    } else if (isJsonObject(written) && isJsonObject(value) && isJsonObject(oldValue) && isTree(oldNode)) {
      setMember(meta, key, mergeMetadata(oldValue, oldNode, written, value, now));
    } else {
      setMember(meta, key, stampMetadata(value, now));
    }
  }
  return meta;
}

function isTree(node: MetaNode | undefined): node is MetaTree {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

function snapshot(shadow: StoredShadow): DocumentsSnapshot {
  return { state: shadow.state, metadata: shadow.metadata, version: shadow.version };
}

function withToken<T extends object>(doc: T, clientToken: string | undefined): T & { clientToken?: string } {
  return clientToken === undefined ? doc : { ...doc, clientToken };
}

// ---------------------------------------------------------------------------------------------------------------
// Get and delete

/**
 * The GET document: desired, reported and (when non-empty) delta; metadata of desired and reported (AWS gives
 * no delta metadata here); the shadow's version; `timestamp` is when the response is generated.
 */
export function getDocument(shadow: StoredShadow, nowSeconds: number, clientToken?: string): GetAcceptedDoc {
  const state: GetAcceptedDoc['state'] = { ...shadow.state };
  const delta = computeDelta(shadow.state.desired, shadow.state.reported);
  if (delta) state.delta = delta;
  return withToken({ state, metadata: shadow.metadata, version: shadow.version, timestamp: nowSeconds }, clientToken);
}

/**
 * GetThingShadow / `/get`: the document, or 404 when there is no live shadow. `notFound` is the error to give
 * (shadowNotFound(thing, shadow)).
 */
export function readShadow(
  shadow: StoredShadow | DeletedShadow | undefined,
  nowSeconds: number,
  notFound: ShadowError,
  clientToken?: string,
): { ok: true; doc: GetAcceptedDoc } | { ok: false; error: ShadowError } {
  const live = liveShadow(shadow);
  if (!live) return { ok: false, error: notFound };
  return { ok: true, doc: getDocument(live, nowSeconds, clientToken) };
}

/**
 * DeleteThingShadow / `/delete`: 404 when there is no live shadow; otherwise the accepted document (the deleted
 * shadow's version) and the tombstone to store in its place, which keeps the version counter so that a shadow
 * re-created within 48 hours continues from it (see currentVersion).
 */
export function applyDelete(
  shadow: StoredShadow | DeletedShadow | undefined,
  nowSeconds: number,
  notFound: ShadowError,
  clientToken?: string,
): { ok: true; accepted: DeleteAcceptedDoc; tombstone: DeletedShadow } | { ok: false; error: ShadowError } {
  const live = liveShadow(shadow);
  if (!live) return { ok: false, error: notFound };
  return {
    ok: true,
    accepted: withToken({ version: live.version, timestamp: nowSeconds }, clientToken),
    tombstone: { deleted: true, version: live.version, deletedAt: nowSeconds },
  };
}
