/**
 * The simulated device's own state, pure so it can be tested without a broker: telemetry (a counter and a
 * temperature random walk), and the shadow state it reports, into which desired deltas are merged as AWS's
 * shadow merges an update (objects merge field by field, null deletes a field, arrays and values replace).
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Telemetry {
  thingName: string;
  counter: number;
  temperature: number;
  timestamp: number;
}

/** One step of a bounded random walk: at most `step` up or down, kept within [min, max], two decimals. */
export function nextTemperature(
  current: number,
  random: () => number = Math.random,
  step = 0.3,
  min = -20,
  max = 60,
): number {
  const moved = current + (random() * 2 - 1) * step;
  return Math.round(Math.min(max, Math.max(min, moved)) * 100) / 100;
}

export function telemetryMessage(thingName: string, counter: number, temperature: number, now: number): Telemetry {
  return { thingName, counter, temperature, timestamp: now };
}

/** Merges `patch` into `target` (a new object): nested objects merge, null deletes, anything else replaces. */
export function mergeState(target: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else {
      const before = Object.hasOwn(out, key) ? out[key] : undefined;
      const next = isJsonObject(value) ? mergeState(isJsonObject(before) ? before : {}, value) : value;
      // defineProperty, so a key named __proto__ is data, never the prototype.
      Object.defineProperty(out, key, { value: next, enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}

/** The `state` of a delta message (`$aws/things/<thing>/shadow/update/delta`), or of get/accepted's `state.delta`. */
export function deltaFrom(payload: unknown, kind: 'delta' | 'get-accepted'): JsonObject | undefined {
  if (!isJsonObject(payload) || !isJsonObject(payload.state)) return undefined;
  if (kind === 'delta') return payload.state;
  const delta = payload.state.delta;
  return isJsonObject(delta) ? delta : undefined;
}

/** The shadow update a device sends to report `reported`. */
export function reportMessage(reported: JsonObject, clientToken?: string): string {
  return JSON.stringify({ state: { reported }, ...(clientToken ? { clientToken } : {}) });
}
