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

// ---------------------------------------------------------------------------------------------------------------
// Fleet provisioning (AWS IoT developer guide, "Device provisioning MQTT API"): a device holding a claim publishes
// to `$aws/certificates/create/{format}` (CreateKeysAndCertificate), `$aws/certificates/create-from-csr/{format}`
// (CreateCertificateFromCsr) or `$aws/provisioning-templates/{template}/provision/{format}` (RegisterThing), and
// hears the answer on the same topic plus `/accepted` or `/rejected`. `format` is `json` or `cbor`: the payload
// encoding of the request and of its answer.

export type ProvisioningPayloadFormat = 'json' | 'cbor';
export type FleetProvisioningOperation = 'CreateKeysAndCertificate' | 'CreateCertificateFromCsr' | 'RegisterThing';
/** `request`: what the device publishes; `accepted` / `rejected`: the answer. */
export type FleetProvisioningTopicKind = 'request' | 'accepted' | 'rejected';

export interface FleetProvisioningTopic {
  operation: FleetProvisioningOperation;
  format: ProvisioningPayloadFormat;
  kind: FleetProvisioningTopicKind;
  /** RegisterThing only. */
  templateName?: string;
}

export const PROVISIONING_PAYLOAD_FORMATS: readonly ProvisioningPayloadFormat[] = ['json', 'cbor'];

const withKind = (request: string, kind: FleetProvisioningTopicKind) =>
  kind === 'request' ? request : `${request}/${kind}`;

/** `$aws/certificates/create/{format}[/{accepted|rejected}]`. */
export const createKeysAndCertificateTopic = (
  format: ProvisioningPayloadFormat,
  kind: FleetProvisioningTopicKind = 'request',
) => withKind(`$aws/certificates/create/${format}`, kind);

/** `$aws/certificates/create-from-csr/{format}[/{accepted|rejected}]`. */
export const createCertificateFromCsrTopic = (
  format: ProvisioningPayloadFormat,
  kind: FleetProvisioningTopicKind = 'request',
) => withKind(`$aws/certificates/create-from-csr/${format}`, kind);

/** `$aws/provisioning-templates/{template}/provision/{format}[/{accepted|rejected}]`. */
export const registerThingTopic = (
  templateName: string,
  format: ProvisioningPayloadFormat,
  kind: FleetProvisioningTopicKind = 'request',
) => withKind(`$aws/provisioning-templates/${templateName}/provision/${format}`, kind);

/** The topic of one fleet provisioning operation. */
export function fleetProvisioningTopic(t: FleetProvisioningTopic): string {
  if (t.operation === 'CreateKeysAndCertificate') return createKeysAndCertificateTopic(t.format, t.kind);
  if (t.operation === 'CreateCertificateFromCsr') return createCertificateFromCsrTopic(t.format, t.kind);
  return registerThingTopic(t.templateName ?? '', t.format, t.kind);
}

/**
 * The topic patterns (policy resource names, `*` ending) a claim needs for one template: the two certificate
 * operations and that template's RegisterThing, requests and answers alike. A claim policy allows iot:Publish and
 * iot:Receive on `topic/<pattern>` and iot:Subscribe on `topicfilter/<pattern>` (the AWS developer guide's claim
 * policy, with create-from-csr spelled out).
 */
export const fleetProvisioningTopicPatterns = (templateName: string): string[] => [
  '$aws/certificates/create/*',
  '$aws/certificates/create-from-csr/*',
  `$aws/provisioning-templates/${templateName}/provision/*`,
];

/** Reads a fleet provisioning topic; undefined for anything else (other formats, extra levels, other topics). */
export function parseFleetProvisioningTopic(topic: string): FleetProvisioningTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== '$aws') return undefined;
  let operation: FleetProvisioningOperation;
  let rest: string[];
  let templateName: string | undefined;
  if (parts[1] === 'certificates' && parts[2] === 'create') {
    operation = 'CreateKeysAndCertificate';
    rest = parts.slice(3);
  } else if (parts[1] === 'certificates' && parts[2] === 'create-from-csr') {
    operation = 'CreateCertificateFromCsr';
    rest = parts.slice(3);
  } else if (parts[1] === 'provisioning-templates' && parts[2] && parts[3] === 'provision') {
    operation = 'RegisterThing';
    templateName = parts[2];
    rest = parts.slice(4);
  } else return undefined;
  const [format, suffix, extra] = rest;
  if (extra !== undefined || (format !== 'json' && format !== 'cbor')) return undefined;
  if (suffix !== undefined && suffix !== 'accepted' && suffix !== 'rejected') return undefined;
  const parsed: FleetProvisioningTopic = { operation, format, kind: suffix ?? 'request' };
  if (templateName !== undefined) parsed.templateName = templateName;
  return parsed;
}
