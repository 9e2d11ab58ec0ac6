import 'server-only';

import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListTargetsForPolicyCommand,
  SetDefaultPolicyVersionCommand,
} from '@aws-sdk/client-iot';

import { mapLimited } from '../async/map-limited';
import { type CallOptions, callIot, clampPage, orIfNotFound } from './call';
import { AppError, toAppError } from './errors';

/**
 * AWS IoT policies and their versions: one typed function per operation, reshaping SDK output into the app's
 * shapes below, and AWS's policy-specific refusals (five versions, a malformed document, a name in use, a
 * policy still attached) turned into messages that tell the operator what to do next. Attaching a policy to
 * a target is in policy-attachments.ts; deleting one everywhere is a workflow (lib/policies).
 */

/** AWS IoT keeps at most five versions of a policy (CreatePolicyVersion: VersionsLimitExceededException). */
export const MAX_POLICY_VERSIONS = 5;

export interface PolicySummary {
  name: string;
  arn: string | undefined;
}

export interface Policy {
  name: string;
  arn: string | undefined;
  /** The default version's document, as stored. */
  document: string;
  defaultVersionId: string;
  createdAt: Date | undefined;
  lastModifiedAt: Date | undefined;
}

export interface PolicyVersion {
  id: string;
  isDefault: boolean;
  createdAt: Date | undefined;
}

export interface PolicyVersionDocument extends PolicyVersion {
  document: string;
}

/** One row of the policy list: the summary plus what it takes two more calls to learn. */
export interface PolicyOverview extends PolicySummary {
  defaultVersionId: string | undefined;
  createdAt: Date | undefined;
  /** Undefined when the count could not be read (the row still shows). */
  targetCount: number | undefined;
  /** True when the policy has more targets than were counted. */
  targetCountIsLowerBound?: boolean;
}

export interface PolicyPage<T> {
  items: T[];
  nextMarker?: string;
}

function awsMessage(err: AppError): string | undefined {
  const cause = err.cause as { message?: unknown } | undefined;
  return typeof cause?.message === 'string' && cause.message ? cause.message : undefined;
}

/** Rewords AWS's policy refusals; anything else passes through. */
export function policyError(err: unknown, name: string): AppError {
  const app = err instanceof AppError ? err : toAppError(err);
  switch (app.source) {
    case 'VersionsLimitExceededException':
      return new AppError(
        'limit_exceeded',
        `Policy "${name}" already has ${MAX_POLICY_VERSIONS} versions, the most AWS IoT keeps. Delete an old version that is not the default, then create the new one.`,
        { source: app.source, cause: app },
      );
    case 'MalformedPolicyException':
      return new AppError(
        'invalid_request',
        `AWS IoT refused the policy document: ${awsMessage(app) ?? 'it is malformed.'}`,
        {
          source: app.source,
          cause: app,
        },
      );
    case 'ResourceAlreadyExistsException':
      return new AppError('already_exists', `A policy named "${name}" already exists. Choose another name.`, {
        source: app.source,
        cause: app,
      });
    case 'ResourceNotFoundException':
      return new AppError('not_found', `Policy "${name}" does not exist (it may have been deleted).`, {
        source: app.source,
        cause: app,
      });
    default:
      return app;
  }
}

const resourceOf = (name: string) => `policy "${name}"`;

/** Newest first (ListPolicies with ascendingOrder=false): a policy just created is on the first page. */
export async function listPolicies(
  input: { marker?: string; pageSize?: number } = {},
): Promise<PolicyPage<PolicySummary>> {
  const out = await callIot('policy list', (c) =>
    c.send(
      new ListPoliciesCommand({
        marker: input.marker || undefined,
        pageSize: clampPage(input.pageSize),
        ascendingOrder: false,
      }),
    ),
  );
  const items = (out.policies ?? []).map((p) => ({ name: p.policyName ?? '', arn: p.policyArn }));
  return out.nextMarker ? { items, nextMarker: out.nextMarker } : { items };
}

/** Every policy name (up to 2,000), sorted: the pickers of the onboarding pages. */
export async function listPolicyNames(): Promise<string[]> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page = await listPolicies({ marker, pageSize: 250 });
    for (const p of page.items) if (p.name) names.push(p.name);
    marker = page.nextMarker;
  } while (marker && names.length < 2000);
  return names.sort((a, b) => a.localeCompare(b));
}

export async function getPolicy(name: string): Promise<Policy> {
  try {
    const out = await callIot(resourceOf(name), (c) => c.send(new GetPolicyCommand({ policyName: name })));
    return {
      name: out.policyName ?? name,
      arn: out.policyArn,
      document: out.policyDocument ?? '',
      defaultVersionId: out.defaultVersionId ?? '',
      createdAt: out.creationDate,
      lastModifiedAt: out.lastModifiedDate,
    };
  } catch (err) {
    throw policyError(err, name);
  }
}

/** Whether a policy of that name exists (GetPolicy; not-found means no). */
export async function policyExists(name: string): Promise<boolean> {
  return orIfNotFound(async () => Boolean(await getPolicy(name)), false);
}

/** Newest first, as AWS lists them. */
export async function listPolicyVersions(name: string): Promise<PolicyVersion[]> {
  try {
    const out = await callIot(resourceOf(name), (c) => c.send(new ListPolicyVersionsCommand({ policyName: name })));
    return (out.policyVersions ?? [])
      .map((v) => ({ id: v.versionId ?? '', isDefault: v.isDefaultVersion ?? false, createdAt: v.createDate }))
      .sort((a, b) => Number(b.id) - Number(a.id));
  } catch (err) {
    throw policyError(err, name);
  }
}

export async function getPolicyVersion(name: string, versionId: string): Promise<PolicyVersionDocument> {
  try {
    const out = await callIot(`version ${versionId} of policy "${name}"`, (c) =>
      c.send(new GetPolicyVersionCommand({ policyName: name, policyVersionId: versionId })),
    );
    return {
      id: out.policyVersionId ?? versionId,
      isDefault: out.isDefaultVersion ?? false,
      createdAt: out.creationDate,
      document: out.policyDocument ?? '',
    };
  } catch (err) {
    const app = toAppError(err);
    if (app.code === 'not_found') {
      throw new AppError('not_found', `Version ${versionId} of policy "${name}" does not exist.`, {
        source: app.source,
        cause: app,
      });
    }
    throw app;
  }
}

/** Every target of a policy (certificate ARNs, thing group ARNs, Cognito ids), following pages up to `limit`. */
export async function listPolicyTargets(
  name: string,
  limit = 1000,
): Promise<{ targets: string[]; truncated: boolean }> {
  const targets: string[] = [];
  let marker: string | undefined;
  try {
    do {
      const out = await callIot(resourceOf(name), (c) =>
        c.send(new ListTargetsForPolicyCommand({ policyName: name, marker, pageSize: 250 })),
      );
      targets.push(...(out.targets ?? []));
      marker = out.nextMarker;
    } while (marker && targets.length < limit);
  } catch (err) {
    throw policyError(err, name);
  }
  return { targets: targets.slice(0, limit), truncated: Boolean(marker) || targets.length > limit };
}

/**
 * One page of the policy list with each policy's default version, creation date and target count. A row
 * whose details cannot be read (deleted meanwhile, throttled) still shows, with those cells empty.
 */
export async function listPolicyOverviews(
  input: { marker?: string; pageSize?: number } = {},
): Promise<PolicyPage<PolicyOverview>> {
  const page = await listPolicies(input);
  const items = await mapLimited(page.items, 5, async (summary): Promise<PolicyOverview> => {
    const [policy, targets] = await Promise.allSettled([getPolicy(summary.name), listPolicyTargets(summary.name, 250)]);
    return {
      ...summary,
      defaultVersionId: policy.status === 'fulfilled' ? policy.value.defaultVersionId : undefined,
      createdAt: policy.status === 'fulfilled' ? policy.value.createdAt : undefined,
      targetCount: targets.status === 'fulfilled' ? targets.value.targets.length : undefined,
      ...(targets.status === 'fulfilled' && targets.value.truncated ? { targetCountIsLowerBound: true } : {}),
    };
  });
  return page.nextMarker ? { items, nextMarker: page.nextMarker } : { items };
}

export async function createPolicy(
  name: string,
  document: string,
  options: CallOptions = {},
): Promise<{ name: string; arn: string | undefined; versionId: string }> {
  try {
    const out = await callIot(
      resourceOf(name),
      (c) => c.send(new CreatePolicyCommand({ policyName: name, policyDocument: document })),
      options,
    );
    return { name: out.policyName ?? name, arn: out.policyArn, versionId: out.policyVersionId ?? '1' };
  } catch (err) {
    throw policyError(err, name);
  }
}

export async function createPolicyVersion(
  name: string,
  document: string,
  setAsDefault: boolean,
): Promise<{ versionId: string; isDefault: boolean }> {
  try {
    const out = await callIot(resourceOf(name), (c) =>
      c.send(new CreatePolicyVersionCommand({ policyName: name, policyDocument: document, setAsDefault })),
    );
    return { versionId: out.policyVersionId ?? '', isDefault: out.isDefaultVersion ?? setAsDefault };
  } catch (err) {
    throw policyError(err, name);
  }
}

export async function setDefaultPolicyVersion(name: string, versionId: string): Promise<void> {
  try {
    await callIot(resourceOf(name), (c) =>
      c.send(new SetDefaultPolicyVersionCommand({ policyName: name, policyVersionId: versionId })),
    );
  } catch (err) {
    throw policyError(err, name);
  }
}

export async function deletePolicyVersion(name: string, versionId: string): Promise<void> {
  try {
    await callIot(resourceOf(name), (c) =>
      c.send(new DeletePolicyVersionCommand({ policyName: name, policyVersionId: versionId })),
    );
  } catch (err) {
    const app = toAppError(err);
    if (app.source === 'DeleteConflictException') {
      throw new AppError(
        'conflict',
        `Version ${versionId} is the default version of "${name}" and cannot be deleted. Make another version the default first.`,
        { source: app.source, cause: app },
      );
    }
    throw policyError(app, name);
  }
}

/**
 * DeletePolicy as AWS does it: refused (DeleteConflictException) while targets or non-default versions remain;
 * a policy that does not exist is AppError `not_found` (a caller undoing its own work treats that as done).
 */
export async function deletePolicy(name: string, options: CallOptions = {}): Promise<void> {
  try {
    await callIot(resourceOf(name), (c) => c.send(new DeletePolicyCommand({ policyName: name })), options);
  } catch (err) {
    const app = toAppError(err);
    if (app.source === 'DeleteConflictException') {
      throw new AppError(
        'conflict',
        `AWS IoT refused to delete "${name}": a policy must be detached from every certificate and have no versions other than the default before it can be deleted. Use "Detach everywhere and delete".`,
        { source: app.source, cause: app },
      );
    }
    throw policyError(app, name);
  }
}
