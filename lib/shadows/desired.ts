import { jsonSyntaxMessage, parseJson } from '@/lib/json/parse';
import { awsName } from '@/lib/validation/messages';

import {
  hasNullInArray,
  isJsonObject,
  jsonEqual,
  jsonByteLength,
  nestingDepth,
  setMember,
  type JsonObject,
  type JsonValue,
} from './json';

/**
 * The desired-state editor's rules, checked before anything is sent: a JSON object, within AWS's limits
 * (desired + reported at most 8 KB as compact JSON, at most 6 levels of nesting, no null inside an array),
 * and the merge patch that turns the stored desired state into the edited one.
 */
export const MAX_STATE_BYTES = 8 * 1024;
export const MAX_NESTING_DEPTH = 6;

/** Named shadow names (ListNamedShadowsForThing / the `name` query): 1-64 of `[$a-zA-Z0-9:_-]`, in plain words. */
export const shadowName = awsName('shadowName');

export type DesiredCheck = { ok: true; desired: JsonObject } | { ok: false; message: string };

export function checkDesiredText(text: string, reported?: JsonObject): DesiredCheck {
  if (text.trim() === '')
    return { ok: false, message: 'Enter the desired state as a JSON object, e.g. {"led": "on"}. Use {} for none.' };
  const parsed = parseJson(text);
  if (!parsed.ok) {
    return { ok: false, message: jsonSyntaxMessage(parsed) };
  }
  const value = parsed.value as JsonValue;
  if (!isJsonObject(value)) {
    return { ok: false, message: 'The desired state must be a JSON object ({ ... }), not a list or a single value.' };
  }
  const depth = nestingDepth(value);
  if (depth > MAX_NESTING_DEPTH) {
    return {
      ok: false,
      message: `The desired state is nested ${depth} levels deep; AWS IoT allows at most ${MAX_NESTING_DEPTH}.`,
    };
  }
  if (hasNullInArray(value)) {
    return { ok: false, message: 'Lists in a shadow cannot contain null (AWS IoT rejects them).' };
  }
  const bytes = jsonByteLength(value) + (reported ? jsonByteLength(reported) : 0);
  if (bytes > MAX_STATE_BYTES) {
    return {
      ok: false,
      message: `Desired and reported together would be ${bytes} bytes; AWS IoT allows ${MAX_STATE_BYTES} bytes (8 KB) per shadow.`,
    };
  }
  return { ok: true, desired: value };
}

/**
 * The update that makes `before` equal to `after` under the shadow's merge rules: changed and new fields are
 * sent, removed fields are sent as null, objects are patched member by member, arrays whole. Null when the
 * whole section should go (`after` empty). Undefined when nothing changes.
 */
export function desiredPatch(before: JsonObject | undefined, after: JsonObject): JsonObject | null | undefined {
  if (Object.keys(after).length === 0) return before && Object.keys(before).length > 0 ? null : undefined;
  return objectPatch(before ?? {}, after);
}

function objectPatch(before: JsonObject, after: JsonObject): JsonObject | undefined {
  const patch: JsonObject = {};
  for (const key of Object.keys(before)) {
    if (!Object.hasOwn(after, key)) setMember(patch, key, null);
  }
  for (const [key, value] of Object.entries(after)) {
    const old = Object.hasOwn(before, key) ? before[key] : undefined;
    if (isJsonObject(value) && Object.keys(value).length === 0) {
      // The service drops empty objects; an empty object means "nothing here".
      if (old !== undefined) setMember(patch, key, null);
      continue;
    }
    if (isJsonObject(value) && isJsonObject(old)) {
      const nested = objectPatch(old, value);
      if (nested) setMember(patch, key, nested);
    } else if (!jsonEqual(old, value)) {
      setMember(patch, key, value);
    }
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}
