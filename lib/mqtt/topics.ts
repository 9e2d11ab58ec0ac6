/**
 * AWS IoT Core's message broker limits, checked by the local IoT Core on every CONNECT, PUBLISH and
 * SUBSCRIBE, and by the dashboard's MQTT client before it sends anything. Pure; no Node imports, so it
 * runs in the browser too. Buffer-free byte counting for the same reason.
 */
import { parseFleetProvisioningTopic, parseShadowTopic } from './reserved-topics';
import { filterShapeProblem } from './topic-filter';

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;
export const MAX_PAYLOAD_BYTES = 128 * 1024;
export const MAX_TOPIC_BYTES = 256;
/** Seven slashes, eight levels, not counting a leading `$aws/rules/<rule>/`. */
export const MAX_TOPIC_SLASHES = 7;
export const MAX_FILTERS_PER_SUBSCRIBE = 8;
export const MAX_CLIENT_ID_BYTES = 128;
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 50;

const RULES_PREFIX = /^\$aws\/rules\/[^/]+\//;

function slashCount(topic: string): number {
  const body = topic.replace(RULES_PREFIX, '');
  let n = 0;
  for (let i = 0; i < body.length; i++) if (body.charCodeAt(i) === 47) n++;
  return n;
}

/** Why a topic name cannot be published to, or undefined when it can. */
export function topicNameProblem(topic: string): string | undefined {
  if (topic.length === 0) return 'The topic is empty.';
  if (utf8Bytes(topic) > MAX_TOPIC_BYTES) return `The topic is longer than ${MAX_TOPIC_BYTES} bytes.`;
  if (/[+#]/.test(topic)) return 'A topic name cannot contain the wildcards + or #.';
  if (topic.includes('\u0000')) return 'A topic cannot contain the null character.';
  if (slashCount(topic) > MAX_TOPIC_SLASHES) return `The topic has more than ${MAX_TOPIC_SLASHES + 1} levels.`;
  return undefined;
}

/** Why a topic filter cannot be subscribed to, or undefined when it can. */
export function topicFilterProblem(filter: string): string | undefined {
  if (filter.length === 0) return 'The topic filter is empty.';
  if (utf8Bytes(filter) > MAX_TOPIC_BYTES) return `The topic filter is longer than ${MAX_TOPIC_BYTES} bytes.`;
  if (filter.includes('\u0000')) return 'A topic filter cannot contain the null character.';
  const shape = filterShapeProblem(filter);
  if (shape) return shape;
  if (slashCount(filter) > MAX_TOPIC_SLASHES) return `The topic filter has more than ${MAX_TOPIC_SLASHES + 1} levels.`;
  return undefined;
}

/** Why a client id is refused, or undefined when it is acceptable. */
export function clientIdProblem(clientId: string): string | undefined {
  if (clientId.length === 0) return 'The client id is empty.';
  if (utf8Bytes(clientId) > MAX_CLIENT_ID_BYTES) return `The client id is longer than ${MAX_CLIENT_ID_BYTES} bytes.`;
  if (clientId.startsWith('$')) return 'A client id cannot start with $.';
  return undefined;
}

/** Thing and named-shadow names as AWS IoT allows them (lib/validation/iot-names.ts has the zod forms). */
const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const SHADOW_NAME = /^[$a-zA-Z0-9:_-]{1,64}$/;

/** A shadow request topic for a thing (and shadow) name AWS accepts: nothing would ever answer another. */
function isShadowRequest(topic: string): boolean {
  const shadow = parseShadowTopic(topic);
  return (
    shadow?.kind === 'request' &&
    THING_NAME.test(shadow.thingName) &&
    (shadow.shadowName === undefined || SHADOW_NAME.test(shadow.shadowName))
  );
}

/** Topics under `$aws/` a device may publish to; AWS rejects publishes to the rest of the reserved space. */
export function isPublishableReservedTopic(topic: string): boolean {
  if (!topic.startsWith('$')) return true;
  return (
    isShadowRequest(topic) ||
    /^\$aws\/things\/[^/]+\/jobs\//.test(topic) ||
    /^\$aws\/rules\/[^/]+\//.test(topic) ||
    /^\$aws\/things\/[^/]+\/tunnels\//.test(topic) ||
    // Fleet provisioning: the requests only; `/accepted` and `/rejected` are the service's answers.
    parseFleetProvisioningTopic(topic)?.kind === 'request'
  );
}
