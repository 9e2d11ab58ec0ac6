import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { policyName } from '../../../lib/validation/iot-names';
import { arns } from '../../config';
import type { EmulatorContext } from '../../context';
import {
  alreadyExists,
  deleteConflict,
  invalidRequest,
  limitExceeded,
  notFound,
  versionsLimitExceeded,
} from '../../errors';
import { requireValidPolicyDocument } from '../../policy/document';
import { pairKey, type PolicyAttachmentRecord, type PolicyRecord, type PolicyVersionRecord } from '../../store/records';
import { epochSeconds } from '../../time';
import { paginate, pageSize, type Page } from '../paginate';
import { ok, parseInput, type ApiRequest } from '../request';
import type { Route } from '../router';
import { resolvePrincipal } from './principals';

/** A policy keeps at most five versions (CreatePolicyVersion then answers VersionsLimitExceededException). */
export const MAX_POLICY_VERSIONS = 5;
/** Policies attached to one target (certificate, thing group, Cognito identity): AWS's default quota. */
export const MAX_POLICIES_PER_TARGET = 10;

const tags = z.array(z.object({ Key: z.string().min(1).max(128), Value: z.string().max(256).optional() })).max(50);
const documentBody = z.object({ policyDocument: z.string({ message: 'Member must not be null' }) });
const createPolicyBody = documentBody.extend({ tags: tags.optional() });
const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
const versionId = z.string().regex(/^[0-9]+$/, 'Member must satisfy regular expression pattern: [0-9]+');
const targetBody = z.object({ target: z.string({ message: 'Member must not be null' }).min(1) });
const markerQuery = z.object({
  marker: z
    .string()
    .max(1024)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'Member must satisfy regular expression pattern: [A-Za-z0-9+/]+={0,2}')
    .optional(),
  pageSize: pageSize().optional(),
  isAscendingOrder: booleanQuery.optional(),
  recursive: booleanQuery.optional(),
});

const newGenerationId = () => randomBytes(32).toString('hex');

export function requirePolicy(ctx: EmulatorContext, name: string): PolicyRecord {
  const policy = ctx.store.c.policies.get(name);
  if (!policy) throw notFound(`Policy ${name} cannot be found.`);
  return policy;
}

function requireVersion(policy: PolicyRecord, id: string): PolicyVersionRecord {
  const version = policy.versions.find((v) => v.versionId === id);
  if (!version) throw notFound(`Version ${id} of policy ${policy.policyName} cannot be found.`);
  return version;
}

export function defaultVersion(policy: PolicyRecord): PolicyVersionRecord {
  return policy.versions.find((v) => v.versionId === policy.defaultVersionId)!;
}

function policyName_(req: ApiRequest): string {
  return parseInput(policyName, req.params.policyName, 'policyName');
}

/**
 * Pages in creation order (ListPolicies' isAscendingOrder): the sort key leads with the timestamp, or with
 * its complement for newest-first, and ends with a unique name so ties keep a stable order.
 */
function creationOrderPage<T>(
  items: T[],
  at: (item: T) => number,
  name: (item: T) => string,
  opts: { ascending: boolean; token?: string; limit: number },
): Page<T> {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const ts = opts.ascending ? at(item) : 999_999_999_999_999 - at(item);
    byKey.set(`${String(ts).padStart(15, '0')}\n${name(item)}`, item);
  }
  const keys = [...byKey.keys()].sort();
  return paginate(keys, (k) => byKey.get(k), { token: opts.token, limit: opts.limit });
}

const policySummary = (p: Pick<PolicyRecord, 'policyName' | 'policyArn'>) => ({
  policyName: p.policyName,
  policyArn: p.policyArn,
});

function attachPolicy(ctx: EmulatorContext, name: string, target: string) {
  requirePolicy(ctx, name);
  resolvePrincipal(ctx, target, { allowThingGroup: true, label: 'Target' });
  const attachments = ctx.store.c.policyAttachments;
  const key = pairKey(name, target);
  // Attaching a policy that is already attached changes nothing.
  if (attachments.has(key)) return;
  const count = attachments.keysBy('target', target).length;
  if (count >= MAX_POLICIES_PER_TARGET) {
    throw limitExceeded(
      `${target} already has ${count} policies attached, the most AWS IoT allows; detach one before attaching ${name}.`,
    );
  }
  const record: PolicyAttachmentRecord = { policyName: name, target, attachedAt: ctx.now() };
  ctx.store.commit((tx) => tx.put('policyAttachments', key, record));
}

function detachPolicy(ctx: EmulatorContext, name: string, target: string) {
  const key = pairKey(name, target);
  if (ctx.store.c.policyAttachments.has(key)) ctx.store.commit((tx) => tx.delete('policyAttachments', key));
}

/** Thing groups from the given one up to its root, for ListAttachedPolicies with recursive=true. */
function groupAndAncestorArns(ctx: EmulatorContext, groupName: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let group = ctx.store.c.thingGroups.get(groupName);
  while (group && !seen.has(group.thingGroupName)) {
    seen.add(group.thingGroupName);
    out.push(group.thingGroupArn);
    group = group.parentGroupName ? ctx.store.c.thingGroups.get(group.parentGroupName) : undefined;
  }
  return out;
}

export const policiesRoutes: Route[] = [
  {
    method: 'POST',
    path: '/policies/{policyName}',
    operation: 'CreatePolicy',
    handler: (req, ctx) => {
      const name = policyName_(req);
      const body = parseInput(createPolicyBody, req.json());
      const existing = ctx.store.c.policies.get(name);
      if (existing) throw alreadyExists(`Policy ${name} already exists.`, name, existing.policyArn);
      requireValidPolicyDocument(body.policyDocument);
      const now = ctx.now();
      const policy: PolicyRecord = {
        policyName: name,
        policyArn: arns(ctx.config).policy(name),
        defaultVersionId: '1',
        versions: [{ versionId: '1', document: body.policyDocument, createDate: now }],
        nextVersionId: 2,
        creationDate: now,
        lastModifiedDate: now,
        generationId: newGenerationId(),
      };
      ctx.store.commit((tx) => tx.put('policies', name, policy));
      return ok({
        policyName: name,
        policyArn: policy.policyArn,
        policyDocument: body.policyDocument,
        policyVersionId: '1',
      });
    },
  },
  {
    method: 'GET',
    path: '/policies/{policyName}',
    operation: 'GetPolicy',
    handler: (req, ctx) => {
      const policy = requirePolicy(ctx, policyName_(req));
      return ok({
        policyName: policy.policyName,
        policyArn: policy.policyArn,
        policyDocument: defaultVersion(policy).document,
        defaultVersionId: policy.defaultVersionId,
        creationDate: epochSeconds(policy.creationDate),
        lastModifiedDate: epochSeconds(policy.lastModifiedDate),
        generationId: policy.generationId,
      });
    },
  },
  {
    method: 'DELETE',
    path: '/policies/{policyName}',
    operation: 'DeletePolicy',
    handler: (req, ctx) => {
      const name = policyName_(req);
      const policy = requirePolicy(ctx, name);
      // AWS's clean-up order: delete the non-default versions and detach every target first.
      if (policy.versions.length > 1) {
        const others = policy.versions.filter((v) => v.versionId !== policy.defaultVersionId).map((v) => v.versionId);
        throw deleteConflict(
          `The policy cannot be deleted as versions other than the default version exist (name=${name}, versions ${others.join(', ')}). Delete them with DeletePolicyVersion first.`,
        );
      }
      const targets = ctx.store.c.policyAttachments.findBy('policy', name);
      if (targets.length > 0) {
        // AWS's wording, with the targets added so the caller knows what to detach.
        const shown =
          targets
            .slice(0, 3)
            .map((a) => a.target)
            .join(', ') + (targets.length > 3 ? ', ...' : '');
        throw deleteConflict(
          `The policy cannot be deleted as the policy is attached to one or more principals (name=${name}): ${shown}. Detach it first.`,
        );
      }
      ctx.store.commit((tx) => tx.delete('policies', name));
      return ok({});
    },
  },
  {
    method: 'GET',
    path: '/policies',
    operation: 'ListPolicies',
    handler: (req, ctx) => {
      const q = parseInput(markerQuery, req.queryObject());
      const page = creationOrderPage(
        [...ctx.store.c.policies.values()],
        (p) => p.creationDate,
        (p) => p.policyName,
        {
          ascending: q.isAscendingOrder ?? true,
          token: q.marker,
          limit: q.pageSize ?? 250,
        },
      );
      return ok({ policies: page.items.map(policySummary), nextMarker: page.next });
    },
  },
  {
    method: 'POST',
    path: '/policies/{policyName}/version',
    operation: 'CreatePolicyVersion',
    handler: (req, ctx) => {
      const name = policyName_(req);
      const body = parseInput(documentBody, req.json());
      const { setAsDefault = false } = parseInput(
        z.object({ setAsDefault: booleanQuery.optional() }),
        req.queryObject(),
      );
      const policy = requirePolicy(ctx, name);
      requireValidPolicyDocument(body.policyDocument);
      if (policy.versions.length >= MAX_POLICY_VERSIONS) {
        throw versionsLimitExceeded(
          `The policy ${name} already has the maximum number of versions (${MAX_POLICY_VERSIONS}). Delete a version before creating a new one.`,
        );
      }
      const now = ctx.now();
      // Version ids only grow: a deleted version's id is never handed out again.
      const id = String(policy.nextVersionId);
      const updated: PolicyRecord = {
        ...policy,
        versions: [...policy.versions, { versionId: id, document: body.policyDocument, createDate: now }],
        nextVersionId: policy.nextVersionId + 1,
        defaultVersionId: setAsDefault ? id : policy.defaultVersionId,
        lastModifiedDate: now,
        generationId: setAsDefault ? newGenerationId() : policy.generationId,
      };
      ctx.store.commit((tx) => tx.put('policies', name, updated));
      return ok({
        policyArn: policy.policyArn,
        policyDocument: body.policyDocument,
        policyVersionId: id,
        isDefaultVersion: setAsDefault,
      });
    },
  },
  {
    method: 'GET',
    path: '/policies/{policyName}/version',
    operation: 'ListPolicyVersions',
    handler: (req, ctx) => {
      const policy = requirePolicy(ctx, policyName_(req));
      // Newest first, as IAM and AWS IoT list them.
      const versions = [...policy.versions].sort((a, b) => Number(b.versionId) - Number(a.versionId));
      return ok({
        policyVersions: versions.map((v) => ({
          versionId: v.versionId,
          isDefaultVersion: v.versionId === policy.defaultVersionId,
          createDate: epochSeconds(v.createDate),
        })),
      });
    },
  },
  {
    method: 'GET',
    path: '/policies/{policyName}/version/{policyVersionId}',
    operation: 'GetPolicyVersion',
    handler: (req, ctx) => {
      const name = policyName_(req);
      const id = parseInput(versionId, req.params.policyVersionId, 'policyVersionId');
      const policy = requirePolicy(ctx, name);
      const version = requireVersion(policy, id);
      return ok({
        policyArn: policy.policyArn,
        policyName: policy.policyName,
        policyDocument: version.document,
        policyVersionId: version.versionId,
        isDefaultVersion: version.versionId === policy.defaultVersionId,
        creationDate: epochSeconds(version.createDate),
        lastModifiedDate: epochSeconds(policy.lastModifiedDate),
        generationId: policy.generationId,
      });
    },
  },
  {
    method: 'PATCH',
    path: '/policies/{policyName}/version/{policyVersionId}',
    operation: 'SetDefaultPolicyVersion',
    handler: (req, ctx) => {
      const name = policyName_(req);
      const id = parseInput(versionId, req.params.policyVersionId, 'policyVersionId');
      const policy = requirePolicy(ctx, name);
      requireVersion(policy, id);
      if (policy.defaultVersionId === id) return ok({});
      const updated: PolicyRecord = {
        ...policy,
        defaultVersionId: id,
        lastModifiedDate: ctx.now(),
        generationId: newGenerationId(),
      };
      ctx.store.commit((tx) => tx.put('policies', name, updated));
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/policies/{policyName}/version/{policyVersionId}',
    operation: 'DeletePolicyVersion',
    handler: (req, ctx) => {
      const name = policyName_(req);
      const id = parseInput(versionId, req.params.policyVersionId, 'policyVersionId');
      const policy = requirePolicy(ctx, name);
      requireVersion(policy, id);
      if (policy.defaultVersionId === id) {
        throw deleteConflict(
          `Cannot delete the default version (${id}) of policy ${name}. Make another version the default, or delete the policy with DeletePolicy.`,
        );
      }
      const updated: PolicyRecord = {
        ...policy,
        versions: policy.versions.filter((v) => v.versionId !== id),
        lastModifiedDate: ctx.now(),
      };
      ctx.store.commit((tx) => tx.put('policies', name, updated));
      return ok({});
    },
  },
  {
    method: 'PUT',
    path: '/target-policies/{policyName}',
    operation: 'AttachPolicy',
    handler: (req, ctx) => {
      const name = policyName_(req);
      const { target } = parseInput(targetBody, req.json());
      attachPolicy(ctx, name, target);
      return ok({});
    },
  },
  {
    method: 'POST',
    path: '/target-policies/{policyName}',
    operation: 'DetachPolicy',
    handler: (req, ctx) => {
      const name = policyName_(req);
      const { target } = parseInput(targetBody, req.json());
      // DetachPolicy has no ResourceNotFoundException in the service model: detaching what is not attached succeeds.
      detachPolicy(ctx, name, target);
      return ok({});
    },
  },
  {
    method: 'POST',
    path: '/attached-policies/{target}',
    operation: 'ListAttachedPolicies',
    handler: (req, ctx) => {
      const target = req.params.target!;
      const q = parseInput(markerQuery, req.queryObject());
      const principal = resolvePrincipal(ctx, target, { allowThingGroup: true, label: 'Target' });
      // recursive=true on a thing group adds the policies its ancestor groups pass down to it.
      const targets =
        q.recursive && principal.kind === 'thingGroup'
          ? groupAndAncestorArns(ctx, principal.group.thingGroupName)
          : [target];
      const names = new Set<string>();
      for (const t of targets)
        for (const a of ctx.store.c.policyAttachments.findBy('target', t)) names.add(a.policyName);
      const page = paginate([...names].sort(), (n) => ctx.store.c.policies.get(n), {
        token: q.marker,
        limit: q.pageSize ?? 250,
      });
      return ok({ policies: page.items.map(policySummary), nextMarker: page.next });
    },
  },
  {
    method: 'POST',
    path: '/policy-targets/{policyName}',
    operation: 'ListTargetsForPolicy',
    handler: (req, ctx) => {
      const name = policyName_(req);
      const q = parseInput(markerQuery, req.queryObject());
      requirePolicy(ctx, name);
      const attachments = ctx.store.c.policyAttachments;
      // Keys are pairKey(policy, target): sorted, they order the page by target.
      const page = paginate(attachments.keysBy('policy', name).sort(), (k) => attachments.get(k), {
        token: q.marker,
        limit: q.pageSize ?? 250,
      });
      return ok({ targets: page.items.map((a) => a.target), nextMarker: page.next });
    },
  },

  // The deprecated principal-policy operations, which older scripts and the CLI's attach-principal-policy still use.
  {
    method: 'PUT',
    path: '/principal-policies/{policyName}',
    operation: 'AttachPrincipalPolicy',
    handler: (req, ctx) => {
      attachPolicy(ctx, policyName_(req), iotPrincipalHeader(req));
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/principal-policies/{policyName}',
    operation: 'DetachPrincipalPolicy',
    handler: (req, ctx) => {
      const name = policyName_(req);
      const principal = iotPrincipalHeader(req);
      // Unlike DetachPolicy, this one reports what it cannot find.
      requirePolicy(ctx, name);
      if (!ctx.store.c.policyAttachments.has(pairKey(name, principal))) {
        throw notFound(`Policy ${name} is not attached to ${principal}.`);
      }
      detachPolicy(ctx, name, principal);
      return ok({});
    },
  },
  {
    method: 'GET',
    path: '/principal-policies',
    operation: 'ListPrincipalPolicies',
    handler: (req, ctx) => {
      const principal = iotPrincipalHeader(req);
      const q = parseInput(markerQuery, req.queryObject());
      resolvePrincipal(ctx, principal, { allowThingGroup: true, label: 'Principal' });
      const page = creationOrderPage(
        ctx.store.c.policyAttachments.findBy('target', principal),
        (a) => a.attachedAt ?? 0,
        (a) => a.policyName,
        { ascending: q.isAscendingOrder ?? true, token: q.marker, limit: q.pageSize ?? 250 },
      );
      const policies = page.items.map((a) => ctx.store.c.policies.get(a.policyName)).filter((p) => p !== undefined);
      return ok({ policies: policies.map(policySummary), nextMarker: page.next });
    },
  },
  {
    method: 'GET',
    path: '/policy-principals',
    operation: 'ListPolicyPrincipals',
    handler: (req, ctx) => {
      const name = parseInput(policyName, req.header('x-amzn-iot-policy') ?? '', 'policyName');
      const q = parseInput(markerQuery, req.queryObject());
      requirePolicy(ctx, name);
      const page = creationOrderPage(
        ctx.store.c.policyAttachments.findBy('policy', name),
        (a) => a.attachedAt ?? 0,
        (a) => a.target,
        { ascending: q.isAscendingOrder ?? true, token: q.marker, limit: q.pageSize ?? 250 },
      );
      return ok({ principals: page.items.map((a) => a.target), nextMarker: page.next });
    },
  },
];

/** The principal of the deprecated operations travels in `x-amzn-iot-principal`. */
function iotPrincipalHeader(req: ApiRequest): string {
  const value = req.header('x-amzn-iot-principal');
  if (!value)
    throw invalidRequest(
      "1 validation error detected: Value null at 'principal' failed to satisfy constraint: Member must not be null",
    );
  return value;
}
