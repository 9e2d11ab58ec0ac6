/**
 * The delta of a Device Shadow, one copy for the local IoT Core's shadow service (which publishes it) and the
 * dashboard (which shows it when AWS's document does not carry one). Pure.
 */
import { isJsonObject, jsonEqual, setMember, type JsonObject, type MetaNode, type MetaTree } from './json';

/**
 * The delta state of a shadow (AWS "Delta state"): every field of `desired` that is missing from `reported`
 * or differs from it. Nested objects are compared member by member and the delta keeps the path to the root
 * (`{"lights": {"color": {"g": 255}}}`); arrays are values, compared whole, and a differing array goes into the
 * delta whole; a desired object whose reported counterpart is not an object goes in whole. Fields only in
 * `reported` are left out. Returns undefined when nothing differs (AWS then omits `delta`).
 */
export function computeDelta(
  desired: JsonObject | undefined,
  reported: JsonObject | undefined,
): JsonObject | undefined {
  if (!desired) return undefined;
  const delta: JsonObject = {};
  for (const [key, want] of Object.entries(desired)) {
    const have = reported && Object.hasOwn(reported, key) ? reported[key] : undefined;
    if (have === undefined) {
      setMember(delta, key, want);
    } else if (isJsonObject(want) && isJsonObject(have)) {
      const nested = computeDelta(want, have);
      if (nested) setMember(delta, key, nested);
    } else if (!jsonEqual(want, have)) {
      setMember(delta, key, want);
    }
  }
  return Object.keys(delta).length > 0 ? delta : undefined;
}

/**
 * Metadata for a delta: AWS gives each delta field the metadata of the same field in `desired`. Where the
 * delta descends into an object it descends into the desired metadata with it; a value the delta carries whole
 * (scalar, array, or a whole object) takes the desired metadata of that value whole.
 */
export function deltaMetadata(delta: JsonObject, desiredMeta: MetaTree | undefined): MetaTree {
  const meta: MetaTree = {};
  for (const [key, value] of Object.entries(delta)) {
    const node: MetaNode | undefined = desiredMeta && Object.hasOwn(desiredMeta, key) ? desiredMeta[key] : undefined;
    if (node === undefined) continue;
    if (isJsonObject(value) && isMetaTree(node)) {
      setMember(meta, key, deltaMetadata(value, node));
    } else {
      setMember(meta, key, node);
    }
  }
  return meta;
}

function isMetaTree(node: MetaNode): node is MetaTree {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}
