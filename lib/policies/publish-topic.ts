import { isPublishableReservedTopic, topicNameProblem } from '../mqtt/topics';
import { parseShadowTopic } from '../mqtt/reserved-topics';

/**
 * The topic a device's bundle tells it to publish on, read from the policy its certificate gets: the first topic
 * the policy allows that thing to publish to (in the document's order), so the summary, README, mosquitto.sh and
 * SDK snippets say what the broker will accept instead of a `<thing>/telemetry` the policy may refuse.
 *
 * A resource with wildcards becomes a concrete topic: `<thing>/*` is `<thing>/telemetry`, a shadow's `.../shadow/*`
 * is its `update` topic, `*` alone (or every resource) is `<thing>/telemetry`. The candidate must then be allowed
 * (matched by an Allow on iot:Publish, with the thing's policy variables substituted), not denied, and a topic a
 * device may publish to at all (AWS refuses most of `$aws/`). Pure: browser and server alike.
 */

export const DEFAULT_TOPIC_LEVEL = 'telemetry';

/** `<thing>/telemetry`: what a policy that allows any topic gets, and the fallback when the policy is unknown. */
export const defaultPublishTopic = (thingName: string) => `${thingName}/${DEFAULT_TOPIC_LEVEL}`;

interface Statement {
  effect: 'Allow' | 'Deny';
  /** Topic patterns (AWS's glob: `*` any run, `?` one character) with the thing's variables substituted. */
  topics: string[];
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const strings = (v: unknown): string[] => asList(v).filter((x): x is string => typeof x === 'string');

/** Whether an Action pattern (`iot:Publish`, `iot:*`, `*`, `iot:Pub*`) covers iot:Publish; actions ignore case. */
function coversPublish(action: string): boolean {
  return globMatch(action.toLowerCase(), 'iot:publish');
}

/** The topic pattern of a resource, with the thing's policy variables substituted; undefined when not a topic. */
function topicPattern(resource: string, thingName: string): string | undefined {
  const substituted = substitute(resource, thingName);
  if (substituted === undefined) return undefined;
  if (substituted === '*') return '*';
  const m = /^arn:[^:]*:iot:[^:]*:[^:]*:(.*)$/.exec(substituted);
  if (!m) return undefined;
  const rest = m[1]!;
  if (rest.startsWith('topic/')) return rest.slice('topic/'.length);
  // `arn:aws:iot:<region>:<account>:*` (every resource), or a pattern that could still be a topic resource.
  return globMatch(rest, 'topic/x') ? '*' : undefined;
}

/** Policy variables a device's own connection resolves: its thing name and its client id (the thing name). */
function substitute(text: string, thingName: string): string | undefined {
  let unresolved = false;
  const out = text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    // Thing names hold no `*` or `?`, so the substituted name is literal text in the glob.
    if (name === 'iot:Connection.Thing.ThingName' || name === 'iot:ClientId') return thingName;
    if (name === '$') return '$';
    // Another variable (or an escaped `*` / `?`): not a resource this reading can promise.
    unresolved = true;
    return '';
  });
  return unresolved ? undefined : out;
}

function statementsOf(document: string, thingName: string): Statement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(document);
  } catch {
    return [];
  }
  if (typeof doc !== 'object' || doc === null) return [];
  const out: Statement[] = [];
  for (const st of asList((doc as { Statement?: unknown }).Statement)) {
    if (typeof st !== 'object' || st === null) continue;
    const s = st as Record<string, unknown>;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') continue;
    // NotAction / NotResource statements are left out (they name no topic to pick); a conditional Allow may not
    // apply to the device's connection, so it promises nothing, while a conditional Deny may apply: it counts.
    if (!strings(s.Action).some(coversPublish)) continue;
    if (s.Effect === 'Allow' && s.Condition !== undefined) continue;
    const topics = strings(s.Resource).flatMap((r) => topicPattern(r, thingName) ?? []);
    if (topics.length) out.push({ effect: s.Effect, topics });
  }
  return out;
}

/** One concrete topic a pattern stands for. */
function concrete(pattern: string, thingName: string): string {
  if (pattern === '*') return defaultPublishTopic(thingName);
  if (pattern.endsWith('/*') && !/[*?]/.test(pattern.slice(0, -2))) {
    const prefix = pattern.slice(0, -1);
    return prefix + (parseShadowTopic(`${prefix}update`)?.kind === 'request' ? 'update' : DEFAULT_TOPIC_LEVEL);
  }
  return pattern.replace(/\*/g, DEFAULT_TOPIC_LEVEL).replace(/\?/g, 'x');
}

/** The first topic `document` lets `thingName` publish to, or undefined when it allows none. */
export function publishTopicFromPolicy(document: string, thingName: string): string | undefined {
  const statements = statementsOf(document, thingName);
  const allows = (topic: string, effect: 'Allow' | 'Deny') =>
    statements.some((s) => s.effect === effect && s.topics.some((p) => globMatch(p, topic)));
  for (const s of statements) {
    if (s.effect !== 'Allow') continue;
    for (const pattern of s.topics) {
      const topic = concrete(pattern, thingName);
      if (topicNameProblem(topic) || !isPublishableReservedTopic(topic)) continue;
      if (allows(topic, 'Allow') && !allows(topic, 'Deny')) return topic;
    }
  }
  return undefined;
}

/** AWS's policy glob: `*` any run of characters (across `/`), `?` exactly one; MQTT's `+` and `#` are literal. */
function globMatch(pattern: string, text: string): boolean {
  const tokens = [...pattern].map((ch) => (ch === '*' ? 0 : ch === '?' ? 1 : ch));
  const chars = [...text];
  // Classic wildcard matching with backtracking to the last `*`.
  let t = 0;
  let p = 0;
  let star = -1;
  let mark = 0;
  while (t < chars.length) {
    const tok = tokens[p];
    if (p < tokens.length && (tok === 1 || tok === chars[t])) {
      p++;
      t++;
    } else if (p < tokens.length && tok === 0) {
      star = p++;
      mark = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (p < tokens.length && tokens[p] === 0) p++;
  return p === tokens.length;
}
