import { diffStates, type FieldChange } from './diff';
import { formatPath, leaves } from './flatten';
import { isJsonObject, type JsonObject, type JsonValue, type MetaTree, type ShadowMetadata } from './json';
import { parseShadowTopic, type ShadowOperation } from '../mqtt/reserved-topics';

/**
 * The Activity stream of a thing's shadows: each shadow message from the broker turned into an entry a
 * person can read (a diff for `update/documents`, the fields of a delta or an accepted update, the code and
 * message of a rejection). Requests (`/update`, `/get`, `/delete` themselves) are not entries.
 */
export type ActivityKind = 'documents' | 'accepted' | 'rejected' | 'delta';

export interface ActivityEntry {
  id: string;
  /** Epoch ms when the dashboard received it. */
  receivedAt: number;
  topic: string;
  /** Undefined for the classic shadow. */
  shadowName?: string;
  operation: ShadowOperation;
  kind: ActivityKind;
  version?: number;
  previousVersion?: number;
  /** documents: previous → current, per field. */
  changes?: FieldChange[];
  /** delta / accepted: the fields it carried (null = removed). */
  fields?: { path: string; value: JsonValue }[];
  error?: { code: number; message: string };
  clientToken?: string;
  /** The payload as received, for a "raw" view. */
  raw: string;
}

export interface IncomingMessage {
  id: number | string;
  topic: string;
  payload: string;
  encoding?: 'utf8' | 'base64';
  receivedAt: number;
}

export interface ShadowSnapshot {
  state: { desired?: JsonObject; reported?: JsonObject };
  metadata: ShadowMetadata;
  version: number;
}

/** Bound on kept entries: the page keeps them for its life, newest first. */
export const MAX_ACTIVITY_ENTRIES = 200;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): JsonObject | undefined => (isJsonObject(v) ? v : undefined);

/** A documents snapshot (`previous` / `current`), or undefined when the payload does not have that shape. */
export function readSnapshot(value: unknown): ShadowSnapshot | undefined {
  if (!isJsonObject(value)) return undefined;
  const version = num(value.version);
  if (version === undefined) return undefined;
  const state = obj(value.state) ?? {};
  const metadata = obj(value.metadata) ?? {};
  return {
    state: { desired: obj(state.desired), reported: obj(state.reported) },
    metadata: {
      desired: obj(metadata.desired) as MetaTree | undefined,
      reported: obj(metadata.reported) as MetaTree | undefined,
    },
    version,
  };
}

/** Fields of a partial state (`{"desired": {...}, "reported": {...}}` or a delta's flat state), null leaves kept. */
function fieldsOf(state: JsonObject | undefined, sectioned: boolean): { path: string; value: JsonValue }[] {
  if (!state) return [];
  if (!sectioned) return leaves(state).map((l) => ({ path: formatPath(l.keys), value: l.value }));
  const out: { path: string; value: JsonValue }[] = [];
  for (const section of ['desired', 'reported'] as const) {
    const part = state[section];
    if (part === null) out.push({ path: section, value: null });
    else if (isJsonObject(part))
      out.push(...leaves(part).map((l) => ({ path: `${section}.${formatPath(l.keys)}`, value: l.value })));
  }
  return out;
}

/** The entry for one message, or undefined for a message that is not a shadow response/event. */
export function toActivityEntry(message: IncomingMessage): ActivityEntry | undefined {
  const topic = parseShadowTopic(message.topic);
  if (!topic || topic.kind === 'request') return undefined;
  if (message.encoding === 'base64') return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(message.payload);
  } catch {
    return undefined;
  }
  if (!isJsonObject(payload)) return undefined;

  const entry: ActivityEntry = {
    id: String(message.id),
    receivedAt: message.receivedAt,
    topic: message.topic,
    operation: topic.operation,
    kind: topic.kind,
    raw: message.payload,
  };
  if (topic.shadowName !== undefined) entry.shadowName = topic.shadowName;
  const token = str(payload.clientToken);
  if (token !== undefined) entry.clientToken = token;

  switch (topic.kind) {
    case 'documents': {
      const previous = readSnapshot(payload.previous);
      const current = readSnapshot(payload.current);
      if (!current) return undefined;
      entry.version = current.version;
      if (previous) entry.previousVersion = previous.version;
      entry.changes = diffStates(previous?.state, current.state);
      break;
    }
    case 'delta':
      entry.version = num(payload.version);
      entry.fields = fieldsOf(obj(payload.state), false);
      break;
    case 'accepted':
      entry.version = num(payload.version);
      if (topic.operation === 'update') entry.fields = fieldsOf(obj(payload.state), true);
      break;
    case 'rejected':
      entry.error = { code: num(payload.code) ?? 0, message: str(payload.message) ?? 'Rejected' };
      break;
  }
  if (entry.version === undefined) delete entry.version;
  return entry;
}

/** Adds new entries (oldest first in `incoming`) to the newest-first list, keeping at most `max`. */
export function addEntries(
  list: readonly ActivityEntry[],
  incoming: readonly ActivityEntry[],
  max = MAX_ACTIVITY_ENTRIES,
): ActivityEntry[] {
  if (incoming.length === 0) return list as ActivityEntry[];
  const next = [...incoming].reverse().concat(list);
  return next.length > max ? next.slice(0, max) : next;
}
