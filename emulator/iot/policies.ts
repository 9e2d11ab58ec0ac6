import { randomBytes } from 'node:crypto';
import { arns } from '../config';
import type { EmulatorContext } from '../context';
import { alreadyExists, deleteConflict, notFound, versionsLimitExceeded } from '../errors';
import { requireValidPolicyDocument } from '../policy/document';
import type { PolicyRecord, PolicyVersionRecord } from '../store/records';
import { MAX_POLICY_VERSIONS } from './limits';
import { type Page, type PageRequest, pageByTimestamp } from './paging';
import { inTransaction, type Reader, type Transaction } from './transaction';

/** Policies and their versions: CreatePolicy, CreatePolicyVersion, SetDefaultPolicyVersion and the deletes. */

const newGenerationId = () => randomBytes(32).toString('hex');

export function requirePolicy(r: Reader, name: string): PolicyRecord {
  const policy = r.c.policies.get(name);
  // AWS's wording (AttachPolicy, ListTargetsForPolicy and the others that name a missing policy).
  if (!policy) throw notFound('Policy not found');
  return policy;
}

export function requirePolicyVersion(policy: PolicyRecord, id: string): PolicyVersionRecord {
  const version = policy.versions.find((v) => v.versionId === id);
  if (!version) throw notFound(`Version ${id} of policy ${policy.policyName} cannot be found.`);
  return version;
}

export function defaultVersion(policy: PolicyRecord): PolicyVersionRecord {
  return policy.versions.find((v) => v.versionId === policy.defaultVersionId)!;
}

/** CreatePolicy: a valid document (MalformedPolicyException otherwise) becomes version 1, the default. */
export function createPolicy(ctx: EmulatorContext, name: string, document: string, tx?: Transaction): PolicyRecord {
  return inTransaction(ctx, tx, (tx) => {
    const existing = tx.c.policies.get(name);
    if (existing) throw alreadyExists(`Policy ${name} already exists.`, name, existing.policyArn);
    requireValidPolicyDocument(document);
    const now = ctx.now();
    const policy: PolicyRecord = {
      policyName: name,
      policyArn: arns(ctx.config).policy(name),
      defaultVersionId: '1',
      versions: [{ versionId: '1', document, createDate: now }],
      nextVersionId: 2,
      creationDate: now,
      lastModifiedDate: now,
      generationId: newGenerationId(),
    };
    tx.put('policies', name, policy);
    return policy;
  });
}

/** DeletePolicy, in AWS's clean-up order: the non-default versions must be deleted and every target detached first. */
export function deletePolicy(ctx: EmulatorContext, name: string, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    const policy = requirePolicy(tx, name);
    if (policy.versions.length > 1) {
      const others = policy.versions.filter((v) => v.versionId !== policy.defaultVersionId).map((v) => v.versionId);
      throw deleteConflict(
        `The policy cannot be deleted as versions other than the default version exist (name=${name}, versions ${others.join(', ')}). Delete them with DeletePolicyVersion first.`,
      );
    }
    const targets = tx.c.policyAttachments.findBy('policy', name);
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
    tx.delete('policies', name);
  });
}

/** CreatePolicyVersion: at most five versions; version ids only grow (a deleted version's id is never reused). */
export function createPolicyVersion(
  ctx: EmulatorContext,
  name: string,
  document: string,
  setAsDefault: boolean,
  tx?: Transaction,
): { policy: PolicyRecord; versionId: string } {
  return inTransaction(ctx, tx, (tx) => {
    const policy = requirePolicy(tx, name);
    requireValidPolicyDocument(document);
    if (policy.versions.length >= MAX_POLICY_VERSIONS) {
      throw versionsLimitExceeded(
        `The policy ${name} already has the maximum number of versions (${MAX_POLICY_VERSIONS}). Delete a version before creating a new one.`,
      );
    }
    const now = ctx.now();
    const id = String(policy.nextVersionId);
    const updated: PolicyRecord = {
      ...policy,
      versions: [...policy.versions, { versionId: id, document, createDate: now }],
      nextVersionId: policy.nextVersionId + 1,
      defaultVersionId: setAsDefault ? id : policy.defaultVersionId,
      lastModifiedDate: now,
      generationId: setAsDefault ? newGenerationId() : policy.generationId,
    };
    tx.put('policies', name, updated);
    return { policy: updated, versionId: id };
  });
}

/** SetDefaultPolicyVersion; making the default the default changes nothing. */
export function setDefaultPolicyVersion(ctx: EmulatorContext, name: string, id: string, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    const policy = requirePolicy(tx, name);
    requirePolicyVersion(policy, id);
    if (policy.defaultVersionId === id) return;
    tx.put('policies', name, {
      ...policy,
      defaultVersionId: id,
      lastModifiedDate: ctx.now(),
      generationId: newGenerationId(),
    });
  });
}

/** DeletePolicyVersion: never the default version. */
export function deletePolicyVersion(ctx: EmulatorContext, name: string, id: string, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    const policy = requirePolicy(tx, name);
    requirePolicyVersion(policy, id);
    if (policy.defaultVersionId === id) {
      throw deleteConflict(
        `Cannot delete the default version (${id}) of policy ${name}. Make another version the default, or delete the policy with DeletePolicy.`,
      );
    }
    tx.put('policies', name, {
      ...policy,
      versions: policy.versions.filter((v) => v.versionId !== id),
      lastModifiedDate: ctx.now(),
    });
  });
}

/** ListPolicies, in creation order (isAscendingOrder, default true). */
export function listPolicies(ctx: EmulatorContext, q: PageRequest & { ascending: boolean }): Page<PolicyRecord> {
  return pageByTimestamp(
    [...ctx.store.c.policies.values()],
    (p) => p.creationDate,
    (p) => p.policyName,
    q,
  );
}
