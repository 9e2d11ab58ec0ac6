import 'server-only';

import {
  AddThingToThingGroupCommand,
  DescribeThingGroupCommand,
  DescribeThingTypeCommand,
  ListThingGroupsCommand,
  ListThingGroupsForThingCommand,
  ListThingsInThingGroupCommand,
  ListThingTypesCommand,
} from '@aws-sdk/client-iot';

import { type CallOptions, callIot, clampPage, orIfNotFound } from './call';

/** Thing types and static thing groups: one typed function per AWS operation. */

export interface ThingTypeSummary {
  name: string;
  deprecated: boolean;
}

/** Every thing type (ListThingTypes, paged through), sorted by name. */
export async function listThingTypes(): Promise<ThingTypeSummary[]> {
  return callIot('thing type list', async (client) => {
    const types: ThingTypeSummary[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(new ListThingTypesCommand({ nextToken, maxResults: 250 }));
      for (const t of out.thingTypes ?? []) {
        if (t.thingTypeName)
          types.push({ name: t.thingTypeName, deprecated: Boolean(t.thingTypeMetadata?.deprecated) });
      }
      nextToken = out.nextToken || undefined;
    } while (nextToken && types.length < 5000);
    return types.sort((a, b) => a.name.localeCompare(b.name));
  });
}

/** Thing types a new thing may use: not deprecated. */
export async function listThingTypeNames(): Promise<string[]> {
  return (await listThingTypes()).filter((t) => !t.deprecated).map((t) => t.name);
}

/** DescribeThingType. A missing type throws AppError `not_found`. */
export async function describeThingType(thingTypeName: string): Promise<{ name: string; arn: string | undefined }> {
  return callIot(`thing type "${thingTypeName}"`, async (client) => {
    const out = await client.send(new DescribeThingTypeCommand({ thingTypeName }));
    return { name: out.thingTypeName ?? thingTypeName, arn: out.thingTypeArn };
  });
}

export async function thingTypeExists(thingTypeName: string): Promise<boolean> {
  return orIfNotFound(async () => Boolean(await describeThingType(thingTypeName)), false);
}

/** Every thing group name (ListThingGroups, paged through), sorted. */
export async function listThingGroups(): Promise<string[]> {
  return callIot('thing group list', async (client) => {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(new ListThingGroupsCommand({ nextToken, maxResults: 250 }));
      for (const g of out.thingGroups ?? []) if (g.groupName) names.push(g.groupName);
      nextToken = out.nextToken || undefined;
    } while (nextToken && names.length < 5000);
    return names.sort((a, b) => a.localeCompare(b));
  });
}

/** DescribeThingGroup. A missing group throws AppError `not_found`. */
export async function describeThingGroup(thingGroupName: string): Promise<{ name: string; arn: string | undefined }> {
  return callIot(`thing group "${thingGroupName}"`, async (client) => {
    const out = await client.send(new DescribeThingGroupCommand({ thingGroupName }));
    return { name: out.thingGroupName ?? thingGroupName, arn: out.thingGroupArn };
  });
}

export async function thingGroupExists(thingGroupName: string): Promise<boolean> {
  return orIfNotFound(async () => Boolean(await describeThingGroup(thingGroupName)), false);
}

/** The groups a thing belongs to (ListThingGroupsForThing). */
export async function listGroupsOfThing(name: string): Promise<string[]> {
  return callIot(`thing "${name}"`, async (client) => {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(
        new ListThingGroupsForThingCommand({ thingName: name, nextToken, maxResults: 250 }),
      );
      for (const g of out.thingGroups ?? []) if (g.groupName) names.push(g.groupName);
      nextToken = out.nextToken || undefined;
    } while (nextToken);
    return names.sort((a, b) => a.localeCompare(b));
  });
}

/** AddThingToThingGroup (idempotent: adding a member again succeeds). */
export async function addThingToThingGroup(
  thingName: string,
  thingGroupName: string,
  options: CallOptions = {},
): Promise<void> {
  await callIot(
    `thing group "${thingGroupName}"`,
    (client) => client.send(new AddThingToThingGroupCommand({ thingName, thingGroupName })),
    options,
  );
}

export interface GroupPage {
  names: string[];
  nextToken?: string;
}

/** One page of a group's member names (ListThingsInThingGroup). */
export async function listThingsInGroup(
  groupName: string,
  opts: { nextToken?: string; maxResults?: number } = {},
): Promise<GroupPage> {
  return callIot(`thing group "${groupName}"`, async (client) => {
    const out = await client.send(
      new ListThingsInThingGroupCommand({
        thingGroupName: groupName,
        nextToken: opts.nextToken || undefined,
        maxResults: clampPage(opts.maxResults),
      }),
    );
    const names = [...(out.things ?? [])];
    return out.nextToken ? { names, nextToken: out.nextToken } : { names };
  });
}

/** Every member name of a group, up to `limit`. */
export async function listAllThingsInGroup(
  groupName: string,
  limit = 100_000,
): Promise<{ names: string[]; truncated: boolean }> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listThingsInGroup(groupName, { nextToken, maxResults: 250 });
    names.push(...page.names);
    nextToken = page.nextToken;
  } while (nextToken && names.length < limit);
  return { names, truncated: Boolean(nextToken) };
}
