/**
 * The pure logic of AWS IoT Device Shadows: the update merge, metadata, versions and delta (here), request parsing
 * and validation (request.ts), limits and errors (errors.ts), stored shapes (stored.ts) and the response documents
 * of the HTTP API and the MQTT topics (responses.ts); this module is the face the service and the store use. No I/O
 * and no clock: callers pass `nowSeconds`.
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
import { isJsonObject, type JsonObject, type MetaNode, type MetaTree, setMember } from '../../lib/shadows/json';
import { MAX_STATE_BYTES, SHADOW_MESSAGES, type ShadowError, shadowError } from './errors';
import { stampMetadata } from './json';
import { stateBytes, type UpdateRequest } from './request';
import {
  type AcceptedDoc,
  type DeleteAcceptedDoc,
  type DeltaDoc,
  type DocumentsDoc,
  type GetAcceptedDoc,
  snapshot,
  withToken,
} from './responses';
import {
  currentVersion,
  type DeletedShadow,
  liveShadow,
  type ShadowMetadata,
  type ShadowState,
  type StoredShadow,
} from './stored';

export * from './errors';
export type { JsonObject, JsonValue, MetaLeaf, MetaNode, MetaTree } from './json';
export * from './request';
export * from './responses';
export * from './stored';

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
 *   An empty object sent as a value is kept, as AWS keeps it (`{"desired": {"config": {}}}` stores
 *   `config: {}`, and it is in the delta while reported lacks it); merged into an existing object it changes
 *   nothing. Choice: an object emptied by nulls is removed, and so is a section left empty.
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
    return { ok: false, error: shadowError(409, SHADOW_MESSAGES.versionConflict) };
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

  if (stateBytes(state) > MAX_STATE_BYTES) return { ok: false, error: shadowError(413, SHADOW_MESSAGES.tooLarge) };

  const version = baseVersion + 1;
  const next: StoredShadow = { state, metadata, version, timestamp: nowSeconds };
  const token = request.clientToken;

  const requestMeta: AcceptedDoc['metadata'] = {};
  if (!request.stateNull) {
    if (request.state.desired !== undefined) requestMeta.desired = stampMetadata(request.state.desired, nowSeconds);
    if (request.state.reported !== undefined) {
      requestMeta.reported = stampMetadata(request.state.reported, nowSeconds);
    }
  }
  const accepted: AcceptedDoc = withToken(
    { state: request.stateNull ? null : request.state, metadata: requestMeta, version, timestamp: nowSeconds },
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
      if (Object.keys(value).length === 0) {
        // An empty object is a value of its own: kept as sent, or a no-op on an object already there.
        if (!isJsonObject(existing)) setMember(result, key, {});
        continue;
      }
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
