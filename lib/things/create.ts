import 'server-only';

import { AppError } from '@/lib/aws/errors';
import { addThingToThingGroup, describeThingGroup } from '@/lib/aws/thing-groups';
import { createThing, deleteThing } from '@/lib/aws/things';
import type { Thing } from '@/lib/aws/types';

export interface NewThingInput {
  name: string;
  typeName?: string;
  attributes: Record<string, string>;
  /** A static thing group to add the new thing to. */
  groupName?: string;
}

/**
 * The "New thing" page's create: CreateThing, then AddThingToThingGroup when a group is given. The group is
 * checked first (DescribeThingGroup) so a missing group refuses the request before anything is made; if
 * adding to the group still fails, the new thing is deleted again so nothing is left half-made.
 */
export async function createThingInGroup(input: NewThingInput): Promise<Thing> {
  if (input.groupName) await describeThingGroup(input.groupName);
  const thing = await createThing({ name: input.name, typeName: input.typeName, attributes: input.attributes });
  if (input.groupName) {
    const group = input.groupName;
    try {
      await addThingToThingGroup(input.name, group);
    } catch (err) {
      await deleteThing(input.name).catch(() => undefined);
      const reason = err instanceof AppError ? err.message : 'unknown error';
      throw new AppError(
        err instanceof AppError ? err.code : 'internal',
        `The thing could not be added to group "${group}", so it was not kept: ${reason}`,
        { source: err instanceof AppError ? err.source : undefined, cause: err },
      );
    }
  }
  return thing;
}
