/**
 * The grammar of AWS IoT's reserved topics (`$aws/...`): how each one is built and how one is read back. One copy
 * for the dashboard (shadow activity, fleet presence, bundles, the connection check), the device simulator and the
 * local IoT Core (the shadow service answers on these topics; the broker's lifecycle events and JITR publish on
 * them). Pure: no Node APIs, so it runs in the browser too.
 */

// ---------------------------------------------------------------------------------------------------------------
// Device Shadow: `$aws/things/{thing}/shadow[/name/{shadow}]/{get|update|delete}[/{accepted|rejected}]`, plus
// `/update/delta` and `/update/documents` (AWS IoT developer guide, "Device Shadow MQTT topics").

export type ShadowOperation = 'get' | 'update' | 'delete';
/** `request`: what a device publishes; the others are the service's answers. */
export type ShadowTopicKind = 'request' | 'accepted' | 'rejected' | 'delta' | 'documents';

export interface ShadowTopic {
  thingName: string;
  /** Undefined for the classic (unnamed) shadow. */
  shadowName?: string;
  operation: ShadowOperation;
  kind: ShadowTopicKind;
}

/** The topic prefix of a shadow; no shadow name (or '') is the classic shadow. */
export function shadowTopicPrefix(thingName: string, shadowName?: string): string {
  return shadowName ? `$aws/things/${thingName}/shadow/name/${shadowName}` : `$aws/things/${thingName}/shadow`;
}

/**
 * One shadow topic, e.g. `shadowTopic('lamp', undefined, 'update', 'delta')` is `$aws/things/lamp/shadow/update/delta`.
 * `delta` and `documents` exist for `update` only.
 */
export function shadowTopic(
  thingName: string,
  shadowName: string | undefined,
  operation: ShadowOperation,
  kind: ShadowTopicKind = 'request',
): string {
  const request = `${shadowTopicPrefix(thingName, shadowName)}/${operation}`;
  return kind === 'request' ? request : `${request}/${kind}`;
}

/** One filter covering every shadow topic of a thing, classic and named. */
export const thingShadowFilter = (thingName: string) => `$aws/things/${thingName}/shadow/#`;

/**
 * Reads a shadow topic; undefined for anything else (other reserved topics, `delta` under `get`, extra levels).
 * Only the shape is checked: whether the names are valid thing and shadow names is the caller's question.
 */
export function parseShadowTopic(topic: string): ShadowTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== '$aws' || parts[1] !== 'things' || !parts[2] || parts[3] !== 'shadow') return undefined;
  let rest = parts.slice(4);
  let shadowName: string | undefined;
  if (rest[0] === 'name') {
    if (!rest[1]) return undefined;
    shadowName = rest[1];
    rest = rest.slice(2);
  }
  const [op, suffix, extra] = rest;
  if (extra !== undefined) return undefined;
  if (op !== 'get' && op !== 'update' && op !== 'delete') return undefined;
  let kind: ShadowTopicKind;
  if (suffix === undefined) kind = 'request';
  else if (suffix === 'accepted' || suffix === 'rejected') kind = suffix;
  else if ((suffix === 'delta' || suffix === 'documents') && op === 'update') kind = suffix;
  else return undefined;
  const parsed: ShadowTopic = { thingName: parts[2], operation: op, kind };
  if (shadowName !== undefined) parsed.shadowName = shadowName;
  return parsed;
}

// ---------------------------------------------------------------------------------------------------------------
// Lifecycle events (AWS IoT developer guide, "Lifecycle events")

export type PresenceEventType = 'connected' | 'disconnected';

/** Every connect and disconnect of every client. */
export const PRESENCE_FILTER = '$aws/events/presence/+/+';

export const presenceTopic = (eventType: PresenceEventType, clientId: string) =>
  `$aws/events/presence/${eventType}/${clientId}`;

/** Reads a presence topic; the client id is everything after the event type. */
export function parsePresenceTopic(topic: string): { eventType: PresenceEventType; clientId: string } | undefined {
  const m = /^\$aws\/events\/presence\/(connected|disconnected)\/(.+)$/.exec(topic);
  return m ? { eventType: m[1] as PresenceEventType, clientId: m[2]! } : undefined;
}

export const subscriptionEventTopic = (kind: 'subscribed' | 'unsubscribed', clientId: string) =>
  `$aws/events/subscriptions/${kind}/${clientId}`;

/** Where JITR announces a certificate signed by a registered CA (the CA's id is the last level). */
export const certificateRegisteredTopic = (caCertificateId: string) =>
  `$aws/events/certificates/registered/${caCertificateId}`;
