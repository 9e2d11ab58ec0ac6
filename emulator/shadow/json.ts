/**
 * JSON value types and the few structural helpers the shadow logic needs. Pure: no I/O.
 *
 * A shadow's state is plain JSON; its metadata mirrors the state's shape with `{"timestamp": epochSeconds}`
 * at every leaf and an array of per-element metadata for every array (what AWS returns: a `[1, 2]` value
 * has metadata `[{"timestamp": t}, {"timestamp": t}]`).
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Metadata of one leaf: when it was last written. */
export interface MetaLeaf {
  timestamp: number;
}
/** Metadata of a value: a leaf stamp, one entry per array element, or one entry per object member. */
export type MetaNode = MetaLeaf | MetaNode[] | MetaTree;
export interface MetaTree {
  [key: string]: MetaNode;
}

/**
 * Sets an own, enumerable member. Plain `obj[key] = v` would set the prototype for a key of `__proto__`,
 * which JSON.parse happily produces as an ordinary member; shadow documents keep it as one.
 */
export function setMember<T>(target: { [key: string]: T }, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of two JSON values (object member order does not matter, array order does). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

/**
 * Nesting depth as the shadow limit counts it: every object and every array is one level, a scalar none.
 * `{"a": 1}` is 1, `{"a": {"b": [1]}}` is 3.
 */
export function nestingDepth(value: JsonValue): number {
  if (Array.isArray(value)) return 1 + value.reduce<number>((max, item) => Math.max(max, nestingDepth(item)), 0);
  if (isJsonObject(value)) {
    return 1 + Object.values(value).reduce<number>((max, item) => Math.max(max, nestingDepth(item)), 0);
  }
  return 0;
}

/** True when an array anywhere inside the value holds a null (AWS rejects `[null, "RED"]`). */
export function hasNullInArray(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.some((item) => item === null || hasNullInArray(item));
  if (isJsonObject(value)) return Object.values(value).some(hasNullInArray);
  return false;
}

/** Metadata for a value written at `timestamp`: a stamp per leaf, per array element (recursively). */
export function stampMetadata(value: JsonValue, timestamp: number): MetaNode {
  if (Array.isArray(value)) return value.map((item) => stampMetadata(item, timestamp));
  if (isJsonObject(value)) {
    const tree: MetaTree = {};
    for (const [key, item] of Object.entries(value)) setMember(tree, key, stampMetadata(item, timestamp));
    return tree;
  }
  return { timestamp };
}

/** UTF-8 length of the compact JSON text of a value. */
export function jsonByteLength(value: JsonValue): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
