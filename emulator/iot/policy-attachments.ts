import type { EmulatorContext } from '../context';
import { invalidRequest, limitExceeded, notFound } from '../errors';
import { pairKey, type PolicyAttachmentRecord, type PolicyRecord } from '../store/records';
import { MAX_POLICIES_PER_TARGET } from './limits';
import { type Page, type PageRequest, pageByTimestamp, paginate } from './paging';
import { requirePolicy } from './policies';
import { resolvePrincipal } from './principals';
import { groupAndAncestors } from './thing-groups';
import { inTransaction, type Transaction } from './transaction';

/**
 * Which policies are attached to which targets (certificates, thing groups, Cognito identities): AttachPolicy,
 * DetachPolicy, the deprecated principal-policy operations, and the lists both ways round.
 */

/**
 * AttachPolicy (and AttachPrincipalPolicy): both must exist; attaching again changes nothing; ten per target.
 * A dynamic thing group takes no policies (AWS: "Dynamic thing groups can't have policies applied to them"), so
 * a device's policies come from its certificate and its static groups only (broker/authorization.ts).
 */
export function attachPolicy(ctx: EmulatorContext, policyName: string, target: string, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    requirePolicy(tx, policyName);
    const principal = resolvePrincipal(tx, target, { allowThingGroup: true, label: 'Target' });
    if (principal.kind === 'thingGroup' && principal.group.dynamic) {
      throw invalidRequest(
        `Thing group ${principal.group.thingGroupName} is a dynamic thing group, and dynamic thing groups can't have policies applied to them. Attach ${policyName} to the devices' certificates or to a static thing group.`,
      );
    }
    const attachments = tx.c.policyAttachments;
    const key = pairKey(policyName, target);
    if (attachments.has(key)) return;
    const count = attachments.keysBy('target', target).length;
    if (count >= MAX_POLICIES_PER_TARGET) {
      throw limitExceeded(
        `${target} already has ${count} policies attached, the most AWS IoT allows; detach one before attaching ${policyName}.`,
      );
    }
    const record: PolicyAttachmentRecord = { policyName, target, attachedAt: ctx.now() };
    tx.put('policyAttachments', key, record);
  });
}

/**
 * DetachPolicy. It has no ResourceNotFoundException in the service model: detaching what is not attached succeeds.
 * DetachPrincipalPolicy (`strict`), unlike it, reports a policy or an attachment it cannot find.
 */
export function detachPolicy(
  ctx: EmulatorContext,
  policyName: string,
  target: string,
  opts: { strict?: boolean } = {},
  tx?: Transaction,
): void {
  inTransaction(ctx, tx, (tx) => {
    const key = pairKey(policyName, target);
    if (opts.strict) {
      requirePolicy(tx, policyName);
      if (!tx.c.policyAttachments.has(key)) throw notFound(`Policy ${policyName} is not attached to ${target}.`);
    }
    if (tx.c.policyAttachments.has(key)) tx.delete('policyAttachments', key);
  });
}

/**
 * ListAttachedPolicies: the policies attached to a target, by name; with `recursive` on a thing group, also those
 * its ancestor groups pass down to it.
 */
export function listAttachedPolicies(
  ctx: EmulatorContext,
  target: string,
  q: PageRequest & { recursive?: boolean },
): Page<PolicyRecord> {
  const principal = resolvePrincipal(ctx.store, target, { allowThingGroup: true, label: 'Target' });
  const targets =
    q.recursive && principal.kind === 'thingGroup'
      ? groupAndAncestors(ctx.store, principal.group.thingGroupName).map((g) => g.thingGroupArn)
      : [target];
  const names = new Set<string>();
  for (const t of targets) for (const a of ctx.store.c.policyAttachments.findBy('target', t)) names.add(a.policyName);
  return paginate([...names].sort(), (n) => ctx.store.c.policies.get(n), { token: q.token, limit: q.limit });
}

/** ListTargetsForPolicy, in target order. */
export function listTargetsForPolicy(
  ctx: EmulatorContext,
  policyName: string,
  q: PageRequest,
): Page<PolicyAttachmentRecord> {
  requirePolicy(ctx.store, policyName);
  const attachments = ctx.store.c.policyAttachments;
  // Keys are pairKey(policy, target): sorted, they order the page by target.
  return paginate(attachments.keysBy('policy', policyName).sort(), (k) => attachments.get(k), {
    token: q.token,
    limit: q.limit,
  });
}

/** ListPrincipalPolicies (deprecated): the principal's policies in the order they were attached. */
export function listPrincipalPolicies(
  ctx: EmulatorContext,
  principal: string,
  q: PageRequest & { ascending: boolean },
): Page<PolicyRecord> {
  resolvePrincipal(ctx.store, principal, { allowThingGroup: true, label: 'Principal' });
  const page = pageByTimestamp(
    ctx.store.c.policyAttachments.findBy('target', principal),
    (a) => a.attachedAt ?? 0,
    (a) => a.policyName,
    q,
  );
  const policies = page.items.map((a) => ctx.store.c.policies.get(a.policyName)).filter((p) => p !== undefined);
  return { items: policies, next: page.next };
}

/** ListPolicyPrincipals (deprecated): the policy's targets in the order they were attached. */
export function listPolicyPrincipals(
  ctx: EmulatorContext,
  policyName: string,
  q: PageRequest & { ascending: boolean },
): Page<PolicyAttachmentRecord> {
  requirePolicy(ctx.store, policyName);
  return pageByTimestamp(
    ctx.store.c.policyAttachments.findBy('policy', policyName),
    (a) => a.attachedAt ?? 0,
    (a) => a.target,
    q,
  );
}
