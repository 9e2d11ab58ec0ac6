import { readSnapshot } from './activity';
import { computeDelta } from './delta';
import type { ShadowFieldRow } from './flatten';
import type { JsonObject, MetaTree } from './json';

/**
 * What the shadow page shows of one shadow, plain data passed from the server page to the client view and
 * updated there from `update/documents` and `delete/accepted` messages.
 */
export interface ShadowView {
  exists: boolean;
  state: { desired?: JsonObject; reported?: JsonObject; delta?: JsonObject };
  metadata: { desired?: MetaTree; reported?: MetaTree };
  /** 0 when there is no shadow. */
  version: number;
  /** Epoch seconds of the last change the page knows of (GET's response time on load). */
  timestamp?: number;
}

export const NO_SHADOW: ShadowView = { exists: false, state: {}, metadata: {}, version: 0 };

/** The view after an `update/documents` message: its `current` snapshot, with the delta worked out. */
export function viewFromDocuments(payload: unknown): ShadowView | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const current = readSnapshot((payload as { current?: unknown }).current);
  if (!current) return undefined;
  const ts = (payload as { timestamp?: unknown }).timestamp;
  const delta = computeDelta(current.state.desired, current.state.reported);
  const view: ShadowView = {
    exists: true,
    state: {
      ...(current.state.desired ? { desired: current.state.desired } : {}),
      ...(current.state.reported ? { reported: current.state.reported } : {}),
      ...(delta ? { delta } : {}),
    },
    metadata: current.metadata,
    version: current.version,
  };
  if (typeof ts === 'number') view.timestamp = ts;
  return view;
}

/**
 * Where one field stands between the operator and the device: `pending` (a desired value the device has not
 * reported yet), `in-sync` (desired and reported agree), or `no-desired` (the device reports it, nobody asked for
 * a value: not "in sync" with anything).
 */
export type FieldSync = 'pending' | 'in-sync' | 'no-desired';

export function fieldSync(row: Pick<ShadowFieldRow, 'desired' | 'delta'>): FieldSync {
  if (row.delta !== undefined) return 'pending';
  return row.desired === undefined ? 'no-desired' : 'in-sync';
}

/** The editor's text for a desired state. */
export const desiredText = (desired: JsonObject | undefined) => JSON.stringify(desired ?? {}, null, 2);
