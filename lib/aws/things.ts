import 'server-only';

import {
  CreateThingCommand,
  DeleteThingCommand,
  DescribeThingCommand,
  ListThingsCommand,
  UpdateThingCommand,
  type ThingAttribute,
} from '@aws-sdk/client-iot';

import { awsErrorName, type CallOptions, callIot, clampPage, orIfNotFound } from './call';
import { describeCertificate } from './certificates';
import { AppError, toAppError } from './errors';
import { listAttachedPolicies } from './policy-attachments';
import { certificateIdFromArn, listThingPrincipals } from './principals';
import type { Thing } from './types';

/**
 * The thing registry: one typed function per AWS operation, each reshaping the SDK's output into the app's
 * own types and mapping failures to AppError. Groups and types are in thing-groups.ts, the certificates
 * attached to a thing in principals.ts; deleting a thing with its clean-up is a workflow (lib/things).
 */

export interface ListThingsInput {
  nextToken?: string;
  /** 1-250 (the ListThings maximum); AWS defaults to 50 when absent. */
  maxResults?: number;
  thingTypeName?: string;
  attributeName?: string;
  attributeValue?: string;
}

export interface ListThingsResult {
  things: Thing[];
  nextToken?: string;
}

export function toThing(raw: ThingAttribute): Thing {
  return {
    name: raw.thingName ?? '',
    arn: raw.thingArn,
    typeName: raw.thingTypeName,
    attributes: { ...(raw.attributes ?? {}) },
    version: raw.version ?? 0,
  };
}

/** ListThings: one page. */
export async function listThings(input: ListThingsInput = {}): Promise<ListThingsResult> {
  return callIot('thing list', async (client) => {
    const out = await client.send(
      new ListThingsCommand({
        nextToken: input.nextToken || undefined,
        maxResults: clampPage(input.maxResults),
        thingTypeName: input.thingTypeName || undefined,
        attributeName: input.attributeName || undefined,
        attributeValue: input.attributeValue || undefined,
      }),
    );
    const things = (out.things ?? []).map(toThing);
    return out.nextToken ? { things, nextToken: out.nextToken } : { things };
  });
}

export interface ThingDetail extends Thing {
  id: string | undefined;
  billingGroupName: string | undefined;
}

/** DescribeThing. A missing thing throws AppError `not_found`. */
export async function describeThing(name: string, options: CallOptions = {}): Promise<ThingDetail> {
  return callIot(
    `thing "${name}"`,
    async (client) => {
      const out = await client.send(new DescribeThingCommand({ thingName: name }));
      return {
        name: out.thingName ?? name,
        arn: out.thingArn,
        id: out.thingId,
        typeName: out.thingTypeName,
        attributes: { ...(out.attributes ?? {}) },
        version: out.version ?? 0,
        billingGroupName: out.billingGroupName,
      };
    },
    options,
  );
}

/** Whether a thing of that name exists (DescribeThing; not-found means no). */
export async function thingExists(name: string, options: CallOptions = {}): Promise<boolean> {
  return orIfNotFound(async () => Boolean(await describeThing(name, options)), false);
}

export interface CreateThingInput {
  name: string;
  typeName?: string;
  attributes: Record<string, string>;
}

/**
 * CreateThing. AWS answers success for a thing that already exists with the same configuration (the call is
 * idempotent), so a caller that must not adopt someone else's thing asks thingExists first.
 */
export async function createThing(input: CreateThingInput, options: CallOptions = {}): Promise<Thing> {
  const attributes = Object.keys(input.attributes).length ? input.attributes : undefined;
  const out = await callIot(
    `thing "${input.name}"`,
    (client) =>
      client.send(
        new CreateThingCommand({
          thingName: input.name,
          thingTypeName: input.typeName || undefined,
          attributePayload: attributes ? { attributes } : undefined,
        }),
      ),
    options,
  );
  return {
    name: out.thingName ?? input.name,
    arn: out.thingArn,
    typeName: input.typeName || undefined,
    attributes: { ...input.attributes },
    version: 1,
  };
}

/**
 * UpdateThing with merge semantics: `changes` maps attribute names to their new value, and an empty value
 * removes that attribute (AWS's documented way to remove one). `expectedVersion` makes AWS refuse the
 * update with VersionConflictException when someone changed the thing since it was read.
 */
export async function updateThingAttributes(
  name: string,
  changes: Record<string, string>,
  expectedVersion: number,
): Promise<void> {
  await callIot(
    `thing "${name}"`,
    (client) =>
      client.send(
        new UpdateThingCommand({
          thingName: name,
          expectedVersion,
          attributePayload: { attributes: changes, merge: true },
        }),
      ),
    {
      mapError: (err) =>
        awsErrorName(err) === 'VersionConflictException'
          ? new AppError(
              'conflict',
              `Someone else changed thing "${name}" after you opened it (you edited version ${expectedVersion}). ` +
                'Reload the page to see the current attributes, then make your change again.',
              { source: 'VersionConflictException', cause: err },
            )
          : undefined,
    },
  );
}

/** DeleteThing. AWS answers success for a thing that does not exist. */
export async function deleteThing(
  name: string,
  options: CallOptions & { expectedVersion?: number } = {},
): Promise<void> {
  await callIot(
    `thing "${name}"`,
    (client) => client.send(new DeleteThingCommand({ thingName: name, expectedVersion: options.expectedVersion })),
    options,
  );
}

// ---------------------------------------------------------------------------------------------------
// What the thing page shows about each principal attached to a thing

export interface ThingPrincipal {
  arn: string;
  /** Present when the principal is an X.509 certificate. */
  certificateId: string | undefined;
  /** ACTIVE, INACTIVE, REVOKED ...; undefined when not a certificate or it could not be read. */
  status: string | undefined;
  /** Policies attached to the certificate (ListAttachedPolicies). */
  policies: string[];
  /** Why status/policies are missing, when reading them failed. */
  problem?: string;
}

/** One principal with its certificate's status and attached policies; a failed read is in `problem`. */
export async function describeThingPrincipal(arn: string): Promise<ThingPrincipal> {
  const certificateId = certificateIdFromArn(arn);
  if (!certificateId) return { arn, certificateId, status: undefined, policies: [] };
  try {
    const [desc, policies] = await Promise.all([describeCertificate(certificateId), listAttachedPolicies(arn)]);
    return { arn, certificateId, status: desc.status, policies: policies.sort((a, b) => a.localeCompare(b)) };
  } catch (err) {
    return { arn, certificateId, status: undefined, policies: [], problem: toAppError(err).message };
  }
}

/** Each principal attached to the thing, with the certificate's status and attached policies. */
export async function describeThingPrincipals(name: string): Promise<ThingPrincipal[]> {
  const arns = await listThingPrincipals(name);
  return Promise.all(arns.map(describeThingPrincipal));
}
