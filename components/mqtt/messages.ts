/**
 * The messages list's data, kept out of React so it stays cheap at thousands of messages a second:
 * a bounded buffer (oldest dropped), a search over topic and payload, and a view that is updated
 * incrementally while the search text stays the same. Pure; unit-tested in messages.test.ts.
 */
import type { RelayedMessage } from '@/lib/mqtt/relay';

/** A relayed message as the list shows it: keyed for the tab's whole life, with the subscription it came for. */
export interface ShownMessage extends Omit<RelayedMessage, 'id'> {
  /** Increasing across the tab's life (server ids restart with each new session). */
  key: number;
  /** The subscription filter it was shown for (its colour). */
  subscription: string;
}

/** About as many as the issue asks for; the oldest go first. */
export const MAX_MESSAGES = 10_000;

export function toShown(m: RelayedMessage, key: number, subscription: string): ShownMessage {
  return {
    key,
    topic: m.topic,
    qos: m.qos,
    retain: m.retain,
    payload: m.payload,
    encoding: m.encoding,
    receivedAt: m.receivedAt,
    subscription,
  };
}

/** `items` with `added` at the end, keeping at most `max` (the newest). A new array; inputs untouched. */
export function appendBounded<T>(items: readonly T[], added: readonly T[], max = MAX_MESSAGES): T[] {
  if (added.length >= max) return added.slice(added.length - max);
  const excess = items.length + added.length - max;
  return excess > 0 ? items.slice(excess).concat(added) : items.concat(added);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A case-insensitive test on topic and payload text, or null when the search is blank. */
export function searchPredicate(text: string): ((m: ShownMessage) => boolean) | null {
  const q = text.trim();
  if (!q) return null;
  const re = new RegExp(escapeRegExp(q), 'i');
  return (m) => re.test(m.topic) || re.test(m.payload);
}

export interface View {
  source: readonly ShownMessage[];
  query: string;
  result: readonly ShownMessage[];
}

/**
 * The messages of `source` that match `query`. When only the source moved on (appended at the end,
 * trimmed at the front, as appendBounded does) and the query is the same, only the new messages are
 * tested, so a steady stream costs per message, not per buffer.
 */
export function updateView(prev: View | undefined, source: readonly ShownMessage[], query: string): View {
  const test = searchPredicate(query);
  if (!test) return { source, query, result: source };
  if (!prev || prev.query !== query) return { source, query, result: source.filter(test) };
  if (prev.source === source) return prev;
  const first = source[0];
  if (!first) return { source, query, result: [] };
  const prevLast = prev.source[prev.source.length - 1];
  let start = 0;
  while (start < prev.result.length && prev.result[start]!.key < first.key) start++;
  const lastKey = prevLast?.key ?? -Infinity;
  let from = source.length;
  while (from > 0 && source[from - 1]!.key > lastKey) from--;
  const added: ShownMessage[] = [];
  for (let i = from; i < source.length; i++) if (test(source[i]!)) added.push(source[i]!);
  const kept = start === 0 ? prev.result : prev.result.slice(start);
  return { source, query, result: added.length ? kept.concat(added) : kept };
}

/** The payload pretty-printed when it is JSON (objects and arrays), else as it came. */
export function prettyPayload(m: Pick<ShownMessage, 'payload' | 'encoding'>): { text: string; json: boolean } {
  if (m.encoding === 'base64') return { text: m.payload, json: false };
  const p = m.payload.trimStart();
  if (p.startsWith('{') || p.startsWith('[')) {
    try {
      return { text: JSON.stringify(JSON.parse(m.payload), null, 2), json: true };
    } catch {
      // Not JSON after all.
    }
  }
  return { text: m.payload, json: false };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local wall-clock time with milliseconds: 14:03:07.123. */
export function clockTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
