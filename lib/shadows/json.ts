/**
 * JSON shapes of AWS IoT Device Shadow documents and the structural helpers the dashboard and the local IoT
 * Core's shadow service both use: equality, nesting depth and size as AWS counts them (the delta is delta.ts).
 * Pure: runs in the browser (live updates), on the server (actions) and in the emulator.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Metadata of a value: `{timestamp}` per leaf, one entry per array element, one per object member. */
export interface MetaLeaf {
  timestamp: number;
}
export type MetaNode = MetaLeaf | MetaNode[] | MetaTree;
export interface MetaTree {
  [key: string]: MetaNode;
}

export interface ShadowState {
  desired?: JsonObject;
  reported?: JsonObject;
  delta?: JsonObject;
}

export interface ShadowMetadata {
  desired?: MetaTree;
  reported?: MetaTree;
}

/** Sets an own member (plain assignment would treat `__proto__` specially). */
export function setMember<T>(target: { [key: string]: T }, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality (member order ignored, array order kept). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * Depth as the shadow limit counts it: each object and array is a level (`{"a": 1}` is 1). Walks with its own
 * stack, not recursion, so a hostile document 100,000 levels deep (JSON.parse builds one happily) is measured
 * instead of overflowing the call stack; it stops as soon as the depth passes `stopAbove`, if given.
 */
export function nestingDepth(value: JsonValue, stopAbove = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: [JsonValue, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    const children = Array.isArray(node) ? node : isJsonObject(node) ? Object.values(node) : undefined;
    if (!children) continue;
    if (depth > max) max = depth;
    if (max > stopAbove) return max;
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return max;
}

/** AWS rejects arrays holding null ("Invalid JSON"). */
export function hasNullInArray(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.some((item) => item === null || hasNullInArray(item));
  if (isJsonObject(value)) return Object.values(value).some(hasNullInArray);
  return false;
}

/** UTF-8 bytes of the compact JSON. */
export function jsonByteLength(value: JsonValue): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

/** The newest leaf timestamp under a metadata node (an array's or object's "last written"). */
export function latestTimestamp(node: MetaNode | undefined): number | undefined {
  if (node === undefined || node === null) return undefined;
  if (Array.isArray(node)) {
    return node.reduce<number | undefined>((max, item) => {
      const t = latestTimestamp(item);
      return t === undefined ? max : max === undefined ? t : Math.max(max, t);
    }, undefined);
  }
  if (typeof node === 'object') {
    const ts = (node as { timestamp?: unknown }).timestamp;
    if (typeof ts === 'number' && Object.keys(node).length === 1) return ts;
    return latestTimestamp(Object.values(node as MetaTree));
  }
  return undefined;
}
