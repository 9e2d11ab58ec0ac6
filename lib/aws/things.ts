import 'server-only';

import {
  AddThingToThingGroupCommand,
  CreateThingCommand,
  DeleteThingCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  DescribeThingGroupCommand,
  DetachThingPrincipalCommand,
  ListAttachedPoliciesCommand,
  ListThingGroupsCommand,
  ListThingGroupsForThingCommand,
  ListThingPrincipalsCommand,
  ListThingsCommand,
  ListThingsInThingGroupCommand,
  ListThingTypesCommand,
  UpdateThingCommand,
  type ThingAttribute,
} from '@aws-sdk/client-iot';

import { deleteCertificateFully, thingsOfCertificate } from './cleanup';
import { awsErrorName, callIot } from './call';
import { getIotClient } from './client';
import { describeControlEndpoint, readIotConfig } from './config';
import { AppError, toAppError } from './errors';
import type { Thing } from './types';

/**
 * The thing registry: one typed function per AWS operation (or per small, fixed sequence of them), each
 * reshaping the SDK's output into the app's own types and mapping failures to AppError.
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

const MAX_RESULTS_LIMIT = 250;

export function toThing(raw: ThingAttribute): Thing {
  return {
    name: raw.thingName ?? '',
    arn: raw.thingArn,
    typeName: raw.thingTypeName,
    attributes: { ...(raw.attributes ?? {}) },
    version: raw.version ?? 0,
  };
}

const clampPage = (n: number | undefined, max = MAX_RESULTS_LIMIT) =>
  n === undefined ? undefined : Math.min(Math.max(Math.trunc(n), 1), max);

const errorName = awsErrorName;

const causeName = (err: unknown): string | undefined =>
  err instanceof AppError ? (err.source ?? undefined) : errorName(err);

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

// ---------------------------------------------------------------------------------------------------
// One thing

export interface ThingDetail extends Thing {
  id: string | undefined;
  billingGroupName: string | undefined;
}

/** DescribeThing. A missing thing throws AppError `not_found`. */
export async function describeThing(name: string): Promise<ThingDetail> {
  return callIot(`thing "${name}"`, async (client) => {
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
  });
}

/** Whether a thing of that name exists (DescribeThing; not-found means no). */
export async function thingExists(name: string): Promise<boolean> {
  try {
    await describeThing(name);
    return true;
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') return false;
    throw err;
  }
}

export interface CreateThingInput {
  name: string;
  typeName?: string;
  attributes: Record<string, string>;
  /** A static thing group to add the new thing to. */
  groupName?: string;
}

/**
 * CreateThing, then AddThingToThingGroup when a group is given. The group is checked first
 * (DescribeThingGroup) so a missing group refuses the request before anything is made; if adding to the
 * group still fails, the new thing is deleted again so nothing is left half-made.
 */
export async function createThing(input: CreateThingInput): Promise<Thing> {
  if (input.groupName) {
    const group = input.groupName;
    await callIot(`thing group "${group}"`, (client) =>
      client.send(new DescribeThingGroupCommand({ thingGroupName: group })),
    );
  }
  const attributes = Object.keys(input.attributes).length ? input.attributes : undefined;
  const out = await callIot(`thing "${input.name}"`, (client) =>
    client.send(
      new CreateThingCommand({
        thingName: input.name,
        thingTypeName: input.typeName || undefined,
        attributePayload: attributes ? { attributes } : undefined,
      }),
    ),
  );
  if (input.groupName) {
    const group = input.groupName;
    try {
      await callIot(`thing group "${group}"`, (client) =>
        client.send(new AddThingToThingGroupCommand({ thingName: input.name, thingGroupName: group })),
      );
    } catch (err) {
      await deleteThing(input.name).catch(() => undefined);
      const reason = err instanceof AppError ? err.message : 'unknown error';
      throw new AppError(
        err instanceof AppError ? err.code : 'internal',
        `The thing could not be added to group "${group}", so it was not kept: ${reason}`,
        { source: causeName(err), cause: err },
      );
    }
  }
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
  const config = readIotConfig();
  try {
    await getIotClient(config).send(
      new UpdateThingCommand({
        thingName: name,
        expectedVersion,
        attributePayload: { attributes: changes, merge: true },
      }),
    );
  } catch (err) {
    if (errorName(err) === 'VersionConflictException') {
      throw new AppError(
        'conflict',
        `Someone else changed thing "${name}" after you opened it (you edited version ${expectedVersion}). ` +
          'Reload the page to see the current attributes, then make your change again.',
        { source: 'VersionConflictException', cause: err },
      );
    }
    throw toAppError(err, { resource: `thing "${name}"`, endpoint: describeControlEndpoint(config) });
  }
}

/** DeleteThing. AWS answers success for a thing that does not exist. */
export async function deleteThing(name: string, expectedVersion?: number): Promise<void> {
  await callIot(`thing "${name}"`, (client) =>
    client.send(new DeleteThingCommand({ thingName: name, expectedVersion })),
  );
}

// ---------------------------------------------------------------------------------------------------
// Types and groups

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

export async function addThingToGroup(thingName: string, groupName: string): Promise<void> {
  await callIot(`thing group "${groupName}"`, (client) =>
    client.send(new AddThingToThingGroupCommand({ thingName, thingGroupName: groupName })),
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

// ---------------------------------------------------------------------------------------------------
// Principals (certificates) of a thing

const CERT_ARN = /^arn:aws[a-z-]*:iot:[^:]*:[^:]*:cert\/([0-9a-f]{64})$/;

/** The certificate id inside a certificate ARN, or undefined for other principals (IAM, Cognito). */
export function certificateIdFromArn(arn: string): string | undefined {
  return CERT_ARN.exec(arn)?.[1];
}

/** Principal ARNs attached to a thing (ListThingPrincipals, paged through). */
export async function listThingPrincipals(name: string): Promise<string[]> {
  return callIot(`thing "${name}"`, async (client) => {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(new ListThingPrincipalsCommand({ thingName: name, nextToken, maxResults: 250 }));
      arns.push(...(out.principals ?? []));
      nextToken = out.nextToken || undefined;
    } while (nextToken);
    return arns;
  });
}

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

async function describePrincipal(arn: string): Promise<ThingPrincipal> {
  const certificateId = certificateIdFromArn(arn);
  if (!certificateId) return { arn, certificateId, status: undefined, policies: [] };
  try {
    const [desc, policies] = await Promise.all([
      callIot(`certificate ${certificateId.slice(0, 10)}…`, (client) =>
        client.send(new DescribeCertificateCommand({ certificateId })),
      ),
      callIot(`certificate ${certificateId.slice(0, 10)}…`, async (client) => {
        const names: string[] = [];
        let marker: string | undefined;
        do {
          const out = await client.send(new ListAttachedPoliciesCommand({ target: arn, marker, pageSize: 250 }));
          for (const p of out.policies ?? []) if (p.policyName) names.push(p.policyName);
          marker = out.nextMarker || undefined;
        } while (marker);
        return names.sort((a, b) => a.localeCompare(b));
      }),
    ]);
    return { arn, certificateId, status: desc.certificateDescription?.status, policies };
  } catch (err) {
    return { arn, certificateId, status: undefined, policies: [], problem: toAppError(err).message };
  }
}

/** Each principal attached to the thing, with the certificate's status and attached policies. */
export async function describeThingPrincipals(name: string): Promise<ThingPrincipal[]> {
  const arns = await listThingPrincipals(name);
  return Promise.all(arns.map(describePrincipal));
}

/** DetachThingPrincipal. Already detached (not found) counts as done. */
export async function detachThingPrincipal(thingName: string, principal: string): Promise<void> {
  try {
    await callIot(`thing "${thingName}"`, (client) =>
      client.send(new DetachThingPrincipalCommand({ thingName, principal })),
    );
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') return;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------
// Deleting a thing with guided clean-up

export interface DeletionPrincipalPlan {
  arn: string;
  certificateId: string | undefined;
  status: string | undefined;
  policies: string[];
  /** Other things the certificate is attached to (ListPrincipalThings, this thing left out). */
  otherThings: string[];
  /**
   * `delete`: no other thing uses the certificate, so after detaching it from this thing it is deleted
   * fully (its policies detached, deactivated, deleted); `detach`: shared, or not a certificate, so it is
   * only detached from this thing.
   */
  action: 'delete' | 'detach';
}

export interface DeletionPlan {
  thingName: string;
  /** False when the thing is already gone: there is nothing to do. */
  exists: boolean;
  principals: DeletionPrincipalPlan[];
  /** Certificates a previous, interrupted run detached but did not get to delete. */
  leftoverCertificates: DeletionPrincipalPlan[];
}

export type DeletionStepKind = 'detach' | 'delete-certificate' | 'keep-certificate' | 'delete-thing';

export interface DeletionStep {
  kind: DeletionStepKind;
  /** What the step does, in AWS's terms, for the operator. */
  label: string;
  principal?: string;
  certificateId?: string;
}

export type DeletionStepStatus = 'done' | 'failed' | 'not_started';

export interface DeletionStepResult extends DeletionStep {
  status: DeletionStepStatus;
  detail?: string;
}

export interface DeletionReport {
  ok: boolean;
  thingName: string;
  steps: DeletionStepResult[];
  /** The failed step's label and the reason, when a step failed. */
  failure?: { step: string; message: string };
  /** What still exists in AWS because the run stopped, in plain words. */
  leftOver: string[];
  /** Certificates detached from the thing but not yet deleted: a retry must finish them. */
  pendingCertificateIds: string[];
}

const shortId = (id: string) => `${id.slice(0, 10)}…`;

function principalName(p: { arn: string; certificateId: string | undefined }): string {
  return p.certificateId ? `certificate ${shortId(p.certificateId)}` : `principal ${p.arn}`;
}

/** The steps, in AWS's order, a plan turns into. Shown before confirming and executed in this order. */
export function deletionSteps(plan: DeletionPlan): DeletionStep[] {
  const steps: DeletionStep[] = [];
  for (const p of plan.principals) {
    const base = { principal: p.arn, certificateId: p.certificateId };
    steps.push({ ...base, kind: 'detach', label: `Detach ${principalName(p)} from thing "${plan.thingName}"` });
    if (p.action === 'delete' && p.certificateId) {
      steps.push({ ...base, kind: 'delete-certificate', label: deleteCertificateLabel(p) });
    } else if (p.certificateId) {
      steps.push({
        ...base,
        kind: 'keep-certificate',
        label: `Keep ${principalName(p)}: still attached to ${p.otherThings.map((t) => `"${t}"`).join(', ')}`,
      });
    }
  }
  for (const p of plan.leftoverCertificates) {
    steps.push({
      principal: p.arn,
      certificateId: p.certificateId,
      kind: 'delete-certificate',
      label: deleteCertificateLabel(p),
    });
  }
  if (plan.exists) steps.push({ kind: 'delete-thing', label: `Delete thing "${plan.thingName}"` });
  return steps;
}

function deleteCertificateLabel(p: DeletionPrincipalPlan): string {
  const policies = p.policies.length
    ? `detach polic${p.policies.length === 1 ? 'y' : 'ies'} ${p.policies.map((x) => `"${x}"`).join(', ')} (the policies themselves are kept), `
    : '';
  const deactivate = p.status === 'ACTIVE' ? 'deactivate, ' : '';
  return `Delete ${principalName(p)} (used by no other thing): ${policies}${deactivate}delete`;
}

async function planPrincipal(
  thingName: string,
  arn: string,
  described?: ThingPrincipal,
): Promise<DeletionPrincipalPlan> {
  const info = described ?? (await describePrincipal(arn));
  if (info.problem) throw new AppError('internal', info.problem);
  const otherThings = info.certificateId ? (await thingsOfCertificate(arn)).filter((t) => t !== thingName) : [];
  return {
    arn,
    certificateId: info.certificateId,
    status: info.status,
    policies: info.policies,
    otherThings,
    action: info.certificateId && otherThings.length === 0 ? 'delete' : 'detach',
  };
}

/**
 * What deleting the thing will do: every attached principal, whether another thing still uses it, and
 * the certificates an earlier interrupted run left detached (`pendingCertificateIds`).
 */
export async function planThingDeletion(
  thingName: string,
  pendingCertificateIds: readonly string[] = [],
): Promise<DeletionPlan> {
  let exists = true;
  let arns: string[] = [];
  try {
    arns = await listThingPrincipals(thingName);
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'not_found')) throw err;
    exists = false;
  }
  const principals: DeletionPrincipalPlan[] = [];
  for (const arn of arns) principals.push(await planPrincipal(thingName, arn));

  const leftoverCertificates: DeletionPrincipalPlan[] = [];
  const config = readIotConfig();
  for (const id of pendingCertificateIds) {
    if (principals.some((p) => p.certificateId === id)) continue;
    let arn: string | undefined;
    try {
      const out = await getIotClient(config).send(new DescribeCertificateCommand({ certificateId: id }));
      arn = out.certificateDescription?.certificateArn;
    } catch (err) {
      if (errorName(err) === 'ResourceNotFoundException') continue; // already deleted
      throw toAppError(err, { resource: `certificate ${shortId(id)}`, endpoint: describeControlEndpoint(config) });
    }
    if (!arn) continue;
    const plan = await planPrincipal(thingName, arn);
    // Only finish the deletion if, still, no other thing uses the certificate.
    if (plan.action === 'delete') leftoverCertificates.push(plan);
  }
  return { thingName, exists, principals, leftoverCertificates };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** DeleteThing, waiting out AWS's asynchronous detach ("still attached to one or more principals"). */
async function deleteThingAfterDetach(name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await deleteThing(name);
      return;
    } catch (err) {
      const stillAttached =
        err instanceof AppError && err.source === 'InvalidRequestException' && /attached/i.test(err.message);
      if (stillAttached && attempt < 4) {
        await sleep(250 * 2 ** attempt);
        continue;
      }
      throw err;
    }
  }
}

/**
 * Deletes a thing the way AWS requires, step by step: for each attached certificate, detach it from this
 * thing, then delete it fully if no other thing uses it (deleteCertificateFully: detach policies,
 * deactivate, delete) or keep it if shared; policies are never deleted; then DeleteThing. The plan is
 * read again here, so a retry after a failure continues from what is actually left. Stops at the first
 * failing step and reports which one and what is left; never throws.
 */
export async function deleteThingWithCleanup(
  thingName: string,
  pendingCertificateIds: readonly string[] = [],
): Promise<DeletionReport> {
  const pending = new Set(pendingCertificateIds);
  const results: DeletionStepResult[] = [];
  const readStep: DeletionStep = { kind: 'detach', label: `Read what is attached to thing "${thingName}"` };

  let plan: DeletionPlan;
  try {
    plan = await planThingDeletion(thingName, pendingCertificateIds);
  } catch (err) {
    const message = toAppError(err).message;
    return {
      ok: false,
      thingName,
      steps: [{ ...readStep, status: 'failed', detail: message }],
      failure: { step: readStep.label, message },
      leftOver: [`Thing "${thingName}" and everything attached to it are unchanged.`],
      pendingCertificateIds: [...pending],
    };
  }

  const steps = deletionSteps(plan);
  let failedAt = -1;
  let failure: DeletionReport['failure'];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    try {
      let detail: string | undefined;
      switch (step.kind) {
        case 'detach':
          await detachThingPrincipal(thingName, step.principal!);
          // Detached now: if the certificate was to be deleted, a retry must still finish it.
          if (step.certificateId && steps[i + 1]?.kind === 'delete-certificate') pending.add(step.certificateId);
          break;
        case 'delete-certificate': {
          // Checked again after detaching: a thing attached meanwhile keeps the certificate alive.
          const others = (await thingsOfCertificate(step.principal!)).filter((t) => t !== thingName);
          if (others.length > 0) {
            detail = `Kept instead: now attached to ${others.map((t) => `"${t}"`).join(', ')}.`;
          } else {
            const done = await deleteCertificateFully(step.certificateId!);
            if (done.detachedPolicies.length)
              detail = `Detached ${done.detachedPolicies.map((p) => `"${p}"`).join(', ')}.`;
          }
          pending.delete(step.certificateId!);
          break;
        }
        case 'keep-certificate':
          break;
        case 'delete-thing':
          await deleteThingAfterDetach(thingName);
          break;
      }
      results.push({ ...step, status: 'done', detail });
    } catch (err) {
      const message = toAppError(err).message;
      results.push({ ...step, status: 'failed', detail: message });
      failedAt = i;
      failure = { step: step.label, message };
      break;
    }
  }

  if (failedAt < 0) {
    if (!plan.exists) {
      results.push({
        kind: 'delete-thing',
        label: `Delete thing "${thingName}"`,
        status: 'done',
        detail: 'It was already gone.',
      });
    }
    return { ok: true, thingName, steps: results, leftOver: [], pendingCertificateIds: [] };
  }

  for (const step of steps.slice(failedAt + 1)) results.push({ ...step, status: 'not_started' });
  const leftOver: string[] = [];
  for (const id of pending) leftOver.push(`Certificate ${shortId(id)} is detached from the thing but not deleted yet.`);
  const notDetached = steps.slice(failedAt).filter((s) => s.kind === 'detach');
  for (const s of notDetached)
    leftOver.push(
      `${s.certificateId ? `Certificate ${shortId(s.certificateId)}` : `Principal ${s.principal}`} is still attached to the thing.`,
    );
  if (plan.exists) leftOver.push(`Thing "${thingName}" still exists.`);
  return { ok: false, thingName, steps: results, failure, leftOver, pendingCertificateIds: [...pending] };
}
