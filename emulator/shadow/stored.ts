/**
 * A shadow as the store keeps it, live or deleted (a tombstone that keeps the version counter), and the version
 * rules that follow from that. Pure.
 */
import type { ShadowState as ShadowDocumentState, ShadowMetadata } from '../../lib/shadows/json';
import { VERSION_RETENTION_SECONDS } from './errors';

/** desired and reported as stored: the delta is worked out when asked for, never stored. */
export type ShadowState = Omit<ShadowDocumentState, 'delta'>;
export type { ShadowMetadata };

/** A live shadow as the store keeps it. Never holds an empty section (an empty object sent as a value is kept). */
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
