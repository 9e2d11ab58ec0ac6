import {
  isJsonObject,
  latestTimestamp,
  type JsonObject,
  type JsonValue,
  type MetaNode,
  type ShadowMetadata,
  type ShadowState,
} from './json';

/**
 * A shadow as rows, one per field (leaf path), with desired, reported and delta side by side and when each
 * side was last written. Objects are descended into; arrays and scalars are leaves (AWS compares and
 * replaces arrays whole).
 */
export interface FieldCell {
  value: JsonValue;
  /** Epoch seconds when the field was last written (from the shadow's metadata). */
  updatedAt?: number;
}

export interface ShadowFieldRow {
  /** Dotted path for display, e.g. `lights.color`. */
  path: string;
  /** The path's keys, for keys that themselves contain dots. */
  keys: string[];
  desired?: FieldCell;
  reported?: FieldCell;
  /** The value the device is still asked to take (present only when desired and reported differ). */
  delta?: JsonValue;
}

export interface Leaf {
  keys: string[];
  value: JsonValue;
  meta?: MetaNode;
}

const child = (meta: MetaNode | undefined, key: string): MetaNode | undefined =>
  meta && typeof meta === 'object' && !Array.isArray(meta) && Object.hasOwn(meta, key)
    ? (meta as Record<string, MetaNode>)[key]
    : undefined;

/** The leaves of an object: scalars and arrays with their path (an empty object counts as a leaf). */
export function leaves(obj: JsonObject | undefined, meta?: MetaNode, prefix: string[] = []): Leaf[] {
  if (!obj) return [];
  const out: Leaf[] = [];
  for (const [key, value] of Object.entries(obj)) {
    const keys = [...prefix, key];
    const node = child(meta, key);
    if (isJsonObject(value) && Object.keys(value).length > 0) out.push(...leaves(value, node, keys));
    else out.push({ keys, value, meta: node });
  }
  return out;
}

/** `a.b` for display; a key with a dot or space is quoted: `a["b.c"]`. */
export function formatPath(keys: readonly string[]): string {
  return keys
    .map((k, i) => (/^[A-Za-z0-9_$:-]+$/.test(k) ? (i === 0 ? k : `.${k}`) : `[${JSON.stringify(k)}]`))
    .join('');
}

export function flattenShadow(state: ShadowState, metadata: ShadowMetadata = {}): ShadowFieldRow[] {
  const rows = new Map<string, ShadowFieldRow>();
  const row = (keys: string[]): ShadowFieldRow => {
    const id = JSON.stringify(keys);
    let r = rows.get(id);
    if (!r) {
      r = { path: formatPath(keys), keys };
      rows.set(id, r);
    }
    return r;
  };
  for (const leaf of leaves(state.desired, metadata.desired)) {
    row(leaf.keys).desired = cell(leaf);
  }
  for (const leaf of leaves(state.reported, metadata.reported)) {
    row(leaf.keys).reported = cell(leaf);
  }
  for (const leaf of leaves(state.delta)) {
    // A delta value may be a whole object where reported had a scalar: show it on the rows under it.
    const exact = rows.get(JSON.stringify(leaf.keys));
    if (exact) exact.delta = leaf.value;
    else row(leaf.keys).delta = leaf.value;
  }
  return [...rows.values()].sort((a, b) => compareKeys(a.keys, b.keys));
}

function cell(leaf: Leaf): FieldCell {
  const updatedAt = latestTimestamp(leaf.meta);
  return updatedAt === undefined ? { value: leaf.value } : { value: leaf.value, updatedAt };
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** A value as one short line: strings quoted, objects and arrays as compact JSON. */
export function formatValue(value: JsonValue | undefined, max = 120): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
