import { leaves } from './flatten';
import { formatPath } from './flatten';
import { jsonEqual, type JsonObject, type JsonValue } from './json';

/**
 * A readable diff of two shadow states (the `previous` and `current` of an `update/documents` message):
 * one line per field that was added, removed or changed, desired before reported, in path order.
 */
export type ShadowSection = 'desired' | 'reported';

export interface FieldChange {
  section: ShadowSection;
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: JsonValue;
  after?: JsonValue;
}

interface StateLike {
  desired?: JsonObject;
  reported?: JsonObject;
}

function leafMap(obj: JsonObject | undefined): Map<string, { keys: string[]; value: JsonValue }> {
  const map = new Map<string, { keys: string[]; value: JsonValue }>();
  for (const leaf of leaves(obj)) map.set(JSON.stringify(leaf.keys), { keys: leaf.keys, value: leaf.value });
  return map;
}

export function diffStates(previous: StateLike | undefined, current: StateLike | undefined): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const section of ['desired', 'reported'] as const) {
    const before = leafMap(previous?.[section]);
    const after = leafMap(current?.[section]);
    const ids = [...new Set([...before.keys(), ...after.keys()])].sort();
    for (const id of ids) {
      const b = before.get(id);
      const a = after.get(id);
      const path = formatPath((a ?? b)!.keys);
      if (b && a) {
        if (!jsonEqual(b.value, a.value))
          changes.push({ section, path, kind: 'changed', before: b.value, after: a.value });
      } else if (a) {
        changes.push({ section, path, kind: 'added', after: a.value });
      } else if (b) {
        changes.push({ section, path, kind: 'removed', before: b.value });
      }
    }
  }
  return changes;
}
