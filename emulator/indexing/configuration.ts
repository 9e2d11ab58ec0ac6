/**
 * The account's fleet indexing configuration (GetIndexingConfiguration / UpdateIndexingConfiguration): what the
 * `AWS_Things` and `AWS_ThingGroups` indexes hold. Pure: shapes, defaults, AWS's rules on combining the modes,
 * and the managed fields each mode brings. AWS starts every account with everything OFF.
 */

export const THING_INDEXING_MODES = ['OFF', 'REGISTRY', 'REGISTRY_AND_SHADOW'] as const;
export const CONNECTIVITY_INDEXING_MODES = ['OFF', 'STATUS'] as const;
export const DEVICE_DEFENDER_INDEXING_MODES = ['OFF', 'VIOLATIONS'] as const;
export const NAMED_SHADOW_INDEXING_MODES = ['OFF', 'ON'] as const;
export const THING_GROUP_INDEXING_MODES = ['OFF', 'ON'] as const;
export const FIELD_TYPES = ['Number', 'String', 'Boolean'] as const;

export const THINGS_INDEX = 'AWS_Things';
export const THING_GROUPS_INDEX = 'AWS_ThingGroups';
export const QUERY_VERSION = '2017-09-30';
/** AWS's default quota of named shadows one configuration may index. */
export const MAX_NAMED_SHADOW_NAMES = 10;

export interface IndexField {
  name: string;
  type: (typeof FIELD_TYPES)[number];
}

export interface ThingIndexingConfiguration {
  thingIndexingMode: (typeof THING_INDEXING_MODES)[number];
  thingConnectivityIndexingMode: (typeof CONNECTIVITY_INDEXING_MODES)[number];
  deviceDefenderIndexingMode: (typeof DEVICE_DEFENDER_INDEXING_MODES)[number];
  namedShadowIndexingMode: (typeof NAMED_SHADOW_INDEXING_MODES)[number];
  customFields: IndexField[];
  filter?: { namedShadowNames?: string[] };
}

export interface ThingGroupIndexingConfiguration {
  thingGroupIndexingMode: (typeof THING_GROUP_INDEXING_MODES)[number];
  customFields: IndexField[];
}

export interface IndexingConfiguration {
  thing: ThingIndexingConfiguration;
  thingGroup: ThingGroupIndexingConfiguration;
}

export const INDEXING_OFF: IndexingConfiguration = {
  thing: {
    thingIndexingMode: 'OFF',
    thingConnectivityIndexingMode: 'OFF',
    deviceDefenderIndexingMode: 'OFF',
    namedShadowIndexingMode: 'OFF',
    customFields: [],
  },
  thingGroup: { thingGroupIndexingMode: 'OFF', customFields: [] },
};

/** The local stack's start: registry, classic shadow, connectivity and thing groups indexed. */
export const INDEXING_LOCAL_DEFAULT: IndexingConfiguration = {
  thing: { ...INDEXING_OFF.thing, thingIndexingMode: 'REGISTRY_AND_SHADOW', thingConnectivityIndexingMode: 'STATUS' },
  thingGroup: { thingGroupIndexingMode: 'ON', customFields: [] },
};

/** AWS's rules on what may be combined; the problem in words, or undefined. */
export function configurationProblem(config: IndexingConfiguration): string | undefined {
  const t = config.thing;
  if (t.thingIndexingMode === 'OFF') {
    if (t.thingConnectivityIndexingMode !== 'OFF') {
      return 'thingConnectivityIndexingMode must be OFF when thingIndexingMode is OFF.';
    }
    if (t.deviceDefenderIndexingMode !== 'OFF') {
      return 'deviceDefenderIndexingMode must be OFF when thingIndexingMode is OFF.';
    }
  }
  if (t.namedShadowIndexingMode === 'ON' && t.thingIndexingMode !== 'REGISTRY_AND_SHADOW') {
    return 'namedShadowIndexingMode can be ON only when thingIndexingMode is REGISTRY_AND_SHADOW.';
  }
  const names = t.filter?.namedShadowNames ?? [];
  if (names.length > MAX_NAMED_SHADOW_NAMES) {
    return `filter.namedShadowNames can name at most ${MAX_NAMED_SHADOW_NAMES} shadows; got ${names.length}.`;
  }
  for (const field of [...t.customFields, ...config.thingGroup.customFields]) {
    if (!/^(attributes|shadow|deviceDefender)\.[^\s]+$/.test(field.name)) {
      return `Custom field ${field.name} is not valid: custom fields are attributes.*, shadow.* or deviceDefender.* fields.`;
    }
  }
  return undefined;
}

const field = (name: string, type: IndexField['type']): IndexField => ({ name, type });

/** The fields AWS manages for each mode, as GetIndexingConfiguration lists them. */
export function managedThingFields(t: ThingIndexingConfiguration): IndexField[] {
  if (t.thingIndexingMode === 'OFF') return [];
  const fields = [
    field('thingName', 'String'),
    field('thingId', 'String'),
    field('registry.version', 'Number'),
    field('thingTypeName', 'String'),
    field('thingGroupNames', 'String'),
    field('attributes.*', 'String'),
  ];
  if (t.thingIndexingMode === 'REGISTRY_AND_SHADOW') {
    fields.push(field('shadow.version', 'Number'), field('shadow.hasDelta', 'Boolean'));
  }
  if (t.namedShadowIndexingMode === 'ON') {
    fields.push(field('shadow.name.*.version', 'Number'), field('shadow.name.*.hasDelta', 'Boolean'));
  }
  if (t.thingConnectivityIndexingMode === 'STATUS') {
    fields.push(
      field('connectivity.timestamp', 'Number'),
      field('connectivity.version', 'Number'),
      field('connectivity.connected', 'Boolean'),
      field('connectivity.disconnectReason', 'String'),
    );
  }
  return fields;
}

export function managedThingGroupFields(g: ThingGroupIndexingConfiguration): IndexField[] {
  if (g.thingGroupIndexingMode === 'OFF') return [];
  return [
    field('thingGroupName', 'String'),
    field('thingGroupId', 'String'),
    field('thingGroupDescription', 'String'),
    field('parentGroupNames', 'String'),
    field('attributes.*', 'String'),
  ];
}

/** The named shadows the configuration indexes: those its filter names, when named shadow indexing is ON. */
export function indexedShadowNames(t: ThingIndexingConfiguration): string[] {
  return t.namedShadowIndexingMode === 'ON' ? (t.filter?.namedShadowNames ?? []) : [];
}
