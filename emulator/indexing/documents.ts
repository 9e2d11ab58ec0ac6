import { computeDelta } from '../../lib/shadows/delta';
import { isJsonObject, type JsonValue } from '../../lib/shadows/json';
import { liveShadow, type StoredShadow } from '../shadow/stored';
import type { Reader } from '../store/store';
import { pairKey, type ThingGroupRecord, type ThingRecord } from '../store/records';
import { indexedShadowNames, type ThingIndexingConfiguration } from './configuration';
import type { FieldValue, IndexDocument } from './match';

/**
 * What the `AWS_Things` and `AWS_ThingGroups` indexes hold for one thing or group, built from the registry,
 * the shadows and the connectivity records as the configuration says: the searchable fields (for match.ts)
 * and the document SearchIndex answers with, in AWS's shape (ThingDocument / ThingGroupDocument). The index is
 * read straight from the store, so it is never stale (AWS's is eventually consistent).
 */

export interface ThingDocument {
  thingName: string;
  thingId: string;
  thingTypeName?: string;
  thingGroupNames?: string[];
  attributes?: Record<string, string>;
  /** The shadows as one JSON string, as AWS returns it. */
  shadow?: string;
  connectivity?: { connected: boolean; timestamp?: number; disconnectReason?: string };
}

export interface ThingGroupDocument {
  thingGroupName: string;
  thingGroupId: string;
  thingGroupDescription?: string;
  attributes?: Record<string, string>;
  parentGroupNames?: string[];
}

export interface Indexed<D> {
  fields: IndexDocument;
  document: D;
}

class Fields {
  readonly map = new Map<string, FieldValue[]>();
  add(name: string, value: FieldValue | undefined) {
    if (value === undefined) return;
    const list = this.map.get(name);
    if (list) list.push(value);
    else this.map.set(name, [value]);
  }
  /** A JSON value under `path`: objects by member, arrays element by element, nulls left out. */
  addJson(path: string, value: JsonValue | undefined) {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) for (const item of value) this.addJson(path, item);
    else if (isJsonObject(value)) for (const [k, v] of Object.entries(value)) this.addJson(`${path}.${k}`, v);
    else this.add(path, value);
  }
}

/** One shadow as the index sees it: its sections, the delta, hasDelta and version. */
function shadowView(shadow: StoredShadow) {
  const delta = computeDelta(shadow.state.desired, shadow.state.reported);
  return {
    ...(shadow.state.desired ? { desired: shadow.state.desired } : {}),
    ...(shadow.state.reported ? { reported: shadow.state.reported } : {}),
    ...(delta ? { delta } : {}),
    metadata: shadow.metadata,
    hasDelta: delta !== undefined,
    version: shadow.version,
  };
}

function addShadow(fields: Fields, prefix: string, view: ReturnType<typeof shadowView>) {
  fields.addJson(`${prefix}.desired`, view.desired);
  fields.addJson(`${prefix}.reported`, view.reported);
  fields.addJson(`${prefix}.delta`, view.delta);
  fields.addJson(`${prefix}.metadata`, view.metadata as unknown as JsonValue);
  fields.add(`${prefix}.hasDelta`, view.hasDelta);
}

/** The static thing groups a thing is in, by name. */
export function staticGroupsOf(r: Reader, thingName: string): string[] {
  return r.c.thingGroupMembers
    .findBy('thing', thingName)
    .map((m) => m.thingGroupName)
    .sort();
}

export function thingDocument(
  r: Reader,
  thing: ThingRecord,
  config: ThingIndexingConfiguration,
): Indexed<ThingDocument> {
  const fields = new Fields();
  const document: ThingDocument = { thingName: thing.thingName, thingId: thing.thingId };
  fields.add('thingName', thing.thingName);
  fields.add('thingId', thing.thingId);
  if (thing.thingTypeName) {
    document.thingTypeName = thing.thingTypeName;
    fields.add('thingTypeName', thing.thingTypeName);
  }
  const groups = staticGroupsOf(r, thing.thingName);
  if (groups.length) document.thingGroupNames = groups;
  for (const g of groups) fields.add('thingGroupNames', g);
  if (Object.keys(thing.attributes).length) document.attributes = { ...thing.attributes };
  for (const [k, v] of Object.entries(thing.attributes)) fields.add(`attributes.${k}`, v);

  if (config.thingIndexingMode === 'REGISTRY_AND_SHADOW') {
    const shadow: Record<string, unknown> = {};
    const classic = liveShadow(r.c.shadows.get(pairKey(thing.thingName, ''))?.shadow);
    if (classic) {
      const view = shadowView(classic);
      Object.assign(shadow, view);
      addShadow(fields, 'shadow', view);
      fields.add('shadow.version', view.version);
    }
    const named: Record<string, unknown> = {};
    for (const name of indexedShadowNames(config)) {
      const live = liveShadow(r.c.shadows.get(pairKey(thing.thingName, name))?.shadow);
      if (!live) continue;
      const view = shadowView(live);
      named[name] = view;
      addShadow(fields, `shadow.name.${name}`, view);
    }
    if (Object.keys(named).length) shadow.name = named;
    if (Object.keys(shadow).length) document.shadow = JSON.stringify(shadow);
  }

  if (config.thingConnectivityIndexingMode === 'STATUS') {
    // AWS tracks the connection whose MQTT client id is the thing's name; never connected reads as false.
    const c = r.c.connectivity.get(thing.thingName);
    document.connectivity = c
      ? {
          connected: c.connected,
          timestamp: c.timestamp,
          ...(c.disconnectReason && !c.connected ? { disconnectReason: c.disconnectReason } : {}),
        }
      : { connected: false };
    fields.add('connectivity.connected', document.connectivity.connected);
    fields.add('connectivity.timestamp', document.connectivity.timestamp);
    fields.add('connectivity.disconnectReason', document.connectivity.disconnectReason);
  }
  return { fields: fields.map, document };
}

export function thingGroupDocument(r: Reader, group: ThingGroupRecord): Indexed<ThingGroupDocument> {
  const fields = new Fields();
  const document: ThingGroupDocument = { thingGroupName: group.thingGroupName, thingGroupId: group.thingGroupId };
  fields.add('thingGroupName', group.thingGroupName);
  fields.add('thingGroupId', group.thingGroupId);
  const description = group.properties.thingGroupDescription;
  if (description) {
    document.thingGroupDescription = description;
    fields.add('thingGroupDescription', description);
  }
  const attributes = group.properties.attributePayload?.attributes ?? {};
  if (Object.keys(attributes).length) document.attributes = { ...attributes };
  for (const [k, v] of Object.entries(attributes)) fields.add(`attributes.${k}`, v);
  const parents: string[] = [];
  let parent = group.parentGroupName ? r.c.thingGroups.get(group.parentGroupName) : undefined;
  while (parent && !parents.includes(parent.thingGroupName)) {
    parents.push(parent.thingGroupName);
    parent = parent.parentGroupName ? r.c.thingGroups.get(parent.parentGroupName) : undefined;
  }
  if (parents.length) document.parentGroupNames = parents;
  for (const p of parents) fields.add('parentGroupNames', p);
  return { fields: fields.map, document };
}
