/**
 * The documents the shadow service answers with, over HTTP (GetThingShadow / UpdateThingShadow / DeleteThingShadow)
 * and on the MQTT response topics (`/update/accepted`, `/update/delta`, `/update/documents`, `/get/accepted`,
 * `/delete/accepted`, `.../rejected`). Pure.
 */
import type { JsonObject, MetaNode, MetaTree } from '../../lib/shadows/json';
import type { ShadowError } from './errors';
import type { UpdateState } from './request';
import type { ShadowMetadata, ShadowState, StoredShadow } from './stored';

/** `/update/accepted` and the UpdateThingShadow response. */
export interface AcceptedDoc {
  /** The requested state as sent, nulls included (`null` itself when the request sent `"state": null`). */
  state: UpdateState | null;
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

/** The `previous` / `current` of `/update/documents`. */
export function snapshot(shadow: StoredShadow): DocumentsSnapshot {
  return { state: shadow.state, metadata: shadow.metadata, version: shadow.version };
}

/** `doc` with the request's clientToken, when it carried one (AWS echoes it last). */
export function withToken<T extends object>(doc: T, clientToken: string | undefined): T & { clientToken?: string } {
  return clientToken === undefined ? doc : { ...doc, clientToken };
}
