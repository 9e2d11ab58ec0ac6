/**
 * Device Shadow MQTT topics: `$aws/things/{thing}/shadow[/name/{shadow}]/{get|update|delete}[/{accepted|rejected}]`,
 * plus `/update/delta` and `/update/documents`.
 */
export type ShadowOperation = 'get' | 'update' | 'delete';
export type ShadowTopicKind = 'request' | 'accepted' | 'rejected' | 'delta' | 'documents';

export interface ShadowTopic {
  thingName: string;
  /** Undefined for the classic (unnamed) shadow. */
  shadowName?: string;
  operation: ShadowOperation;
  kind: ShadowTopicKind;
}

/** The topic prefix of a shadow. */
export function shadowTopicPrefix(thingName: string, shadowName?: string): string {
  return shadowName ? `$aws/things/${thingName}/shadow/name/${shadowName}` : `$aws/things/${thingName}/shadow`;
}

/** One filter covering every shadow topic of a thing, classic and named. */
export const thingShadowFilter = (thingName: string) => `$aws/things/${thingName}/shadow/#`;

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
