import 'server-only';

import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DescribeCertificateCommand,
  DetachPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListCertificatesCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListTargetsForPolicyCommand,
  ListThingsCommand,
  SetDefaultPolicyVersionCommand,
} from '@aws-sdk/client-iot';

import { accountIdFromArn } from '../policies/templates';
import { parseCertificateRef } from '../policies/targets';
import { callIot } from './call';
import { AppError, toAppError } from './errors';
import { mapLimited } from '../async/map-limited';

/**
 * AWS IoT policies: one typed function per operation, reshaping SDK output into the app's shapes below,
 * and AWS's policy-specific refusals (five versions, a malformed document, a name in use, a policy still
 * attached) turned into messages that tell the operator what to do next.
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
function policyError(err: unknown, name: string): AppError {
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
  const pageSize = input.pageSize === undefined ? undefined : Math.min(Math.max(Math.trunc(input.pageSize), 1), 250);
  const out = await callIot('policy list', (c) =>
    c.send(new ListPoliciesCommand({ marker: input.marker || undefined, pageSize, ascendingOrder: false })),
  );
  const items = (out.policies ?? []).map((p) => ({ name: p.policyName ?? '', arn: p.policyArn }));
  return out.nextMarker ? { items, nextMarker: out.nextMarker } : { items };
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
): Promise<{ name: string; arn: string | undefined; versionId: string }> {
  try {
    const out = await callIot(resourceOf(name), (c) =>
      c.send(new CreatePolicyCommand({ policyName: name, policyDocument: document })),
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

/** DeletePolicy as AWS does it: refused (DeleteConflictException) while targets or non-default versions remain. */
export async function deletePolicy(name: string): Promise<void> {
  try {
    await callIot(resourceOf(name), (c) => c.send(new DeletePolicyCommand({ policyName: name })));
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

export async function attachPolicy(name: string, target: string): Promise<void> {
  try {
    await callIot(resourceOf(name), (c) => c.send(new AttachPolicyCommand({ policyName: name, target })));
  } catch (err) {
    const app = toAppError(err);
    if (app.source === 'LimitExceededException') {
      throw new AppError(
        'limit_exceeded',
        'That certificate already has the most policies AWS IoT allows on one target (10). Detach one from it first.',
        { source: app.source, cause: app },
      );
    }
    throw policyError(app, name);
  }
}

/** DetachPolicy; detaching a policy that is not attached succeeds, as in AWS. */
export async function detachPolicy(name: string, target: string): Promise<void> {
  try {
    await callIot(resourceOf(name), (c) => c.send(new DetachPolicyCommand({ policyName: name, target })));
  } catch (err) {
    throw policyError(err, name);
  }
}

/**
 * A certificate id or ARN typed by an operator, checked against AWS: the certificate's ARN, or an
 * AppError saying it does not exist. An ARN is looked up by its id and must match exactly (another
 * account's or region's ARN would be refused by AttachPolicy with a less helpful message).
 */
export async function resolveCertificateTarget(
  input: string,
): Promise<{ arn: string; certificateId: string; status: string | undefined }> {
  const ref = parseCertificateRef(input);
  if (!ref)
    throw new AppError('invalid_request', 'Enter a certificate id (64 hexadecimal characters) or a certificate ARN.');
  let description;
  try {
    description = await callIot(`certificate ${ref.certificateId}`, (c) =>
      c.send(new DescribeCertificateCommand({ certificateId: ref.certificateId })),
    );
  } catch (err) {
    const app = toAppError(err);
    if (app.code === 'not_found') {
      throw new AppError(
        'not_found',
        `No certificate with id ${ref.certificateId} exists in this account and region.`,
        {
          source: app.source,
          cause: app,
        },
      );
    }
    throw app;
  }
  const arn = description.certificateDescription?.certificateArn;
  if (!arn) throw new AppError('internal', 'AWS IoT described the certificate without an ARN.');
  if (ref.kind === 'arn' && ref.arn !== arn) {
    throw new AppError(
      'not_found',
      `That ARN is not a certificate of this account and region; the certificate with that id is ${arn}.`,
    );
  }
  return { arn, certificateId: ref.certificateId, status: description.certificateDescription?.status };
}

/**
 * The account id for policy ARNs. AWS IoT has no call that returns it (STS is not among this app's
 * clients), so it is read from the ARN of any existing policy, thing or certificate; undefined in an empty
 * account, where templates use `*` in the account position instead.
 */
export async function discoverAccountId(): Promise<string | undefined> {
  const probes: Array<() => Promise<string | undefined>> = [
    async () =>
      (await callIot('policy list', (c) => c.send(new ListPoliciesCommand({ pageSize: 1 })))).policies?.[0]?.policyArn,
    async () =>
      (await callIot('thing list', (c) => c.send(new ListThingsCommand({ maxResults: 1 })))).things?.[0]?.thingArn,
    async () =>
      (await callIot('certificate list', (c) => c.send(new ListCertificatesCommand({ pageSize: 1 })))).certificates?.[0]
        ?.certificateArn,
  ];
  for (const probe of probes) {
    try {
      const account = accountIdFromArn(await probe());
      if (account) return account;
    } catch {
      // A failed probe only costs the account id; the next one may work, or templates use `*`.
    }
  }
  return undefined;
}

export interface DeleteEverywhereReport {
  versionsDeleted: string[];
  targetsDetached: string[];
}

/**
 * Deletes a policy in the order AWS enforces: its non-default versions, then every attachment, then the
 * policy. Each step is idempotent, so after a failure part-way (reported with what was already done) the
 * same call can simply be made again.
 */
export async function deletePolicyEverywhere(name: string): Promise<DeleteEverywhereReport> {
  const report: DeleteEverywhereReport = { versionsDeleted: [], targetsDetached: [] };
  const fail = (err: unknown, step: string): never => {
    const app = err instanceof AppError ? err : toAppError(err);
    const done = [
      report.versionsDeleted.length
        ? `deleted version${report.versionsDeleted.length === 1 ? '' : 's'} ${report.versionsDeleted.join(', ')}`
        : '',
      report.targetsDetached.length
        ? `detached from ${report.targetsDetached.length} target${report.targetsDetached.length === 1 ? '' : 's'}`
        : '',
    ].filter(Boolean);
    throw new AppError(
      app.code,
      `Stopped while ${step}: ${app.message}${done.length ? ` Already done: ${done.join('; ')}.` : ''} Nothing else was changed; try again to finish.`,
      { source: app.source, cause: app },
    );
  };

  let versions: PolicyVersion[] = [];
  try {
    versions = await listPolicyVersions(name);
  } catch (err) {
    fail(err, 'reading the versions');
  }
  for (const v of versions.filter((x) => !x.isDefault)) {
    try {
      await deletePolicyVersion(name, v.id);
      report.versionsDeleted.push(v.id);
    } catch (err) {
      fail(err, `deleting version ${v.id}`);
    }
  }

  // Detach until none are left: ListTargetsForPolicy pages may shift while targets go.
  for (let round = 0; round < 20; round++) {
    let targets: string[] = [];
    try {
      targets = (await listPolicyTargets(name, 250)).targets;
    } catch (err) {
      fail(err, 'reading the targets');
    }
    if (targets.length === 0) break;
    for (const target of targets) {
      try {
        await detachPolicy(name, target);
        report.targetsDetached.push(target);
      } catch (err) {
        fail(err, `detaching it from ${target}`);
      }
    }
  }

  try {
    await deletePolicy(name);
  } catch (err) {
    fail(err, 'deleting the policy');
  }
  return report;
}
