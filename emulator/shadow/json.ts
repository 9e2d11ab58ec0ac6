/**
 * JSON value types and the few structural helpers the shadow logic needs. Pure: no I/O.
 *
 * A shadow's state is plain JSON; its metadata mirrors the state's shape with `{"timestamp": epochSeconds}`
 * at every leaf and an array of per-element metadata for every array (what AWS returns: a `[1, 2]` value
 * has metadata `[{"timestamp": t}, {"timestamp": t}]`). The types and structural helpers are the ones the
 * dashboard reads shadows with (lib/shadows/json.ts); writing metadata is the service's own job.
 */
import { isJsonObject, setMember, type JsonValue, type MetaNode, type MetaTree } from '../../lib/shadows/json';

export {
  hasNullInArray,
  isJsonObject,
  jsonByteLength,
  jsonEqual,
  nestingDepth,
  setMember,
  type JsonObject,
  type JsonPrimitive,
  type JsonValue,
  type MetaLeaf,
  type MetaNode,
  type MetaTree,
} from '../../lib/shadows/json';

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
