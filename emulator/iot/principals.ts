import type { EmulatorContext } from '../context';
import { invalidRequest, notFound } from '../errors';
import { type CertificateRecord, pairKey, type ThingGroupRecord, type ThingPrincipalRecord } from '../store/records';
import { type Page, type PageRequest, paginate } from './paging';
import { requireThing } from './things';
import { inTransaction, type Reader, type Transaction } from './transaction';

/**
 * Principals: what a policy is attached to and what a thing is attached to. AWS IoT names them by
 * certificate ARN (`arn:aws:iot:{region}:{account}:cert/{certificateId}`), thing group ARN (policies only)
 * or Amazon Cognito identity id (`{region}:{uuid}`).
 */
export type PrincipalRef =
  | { kind: 'certificate'; value: string; certificate: CertificateRecord }
  | { kind: 'thingGroup'; value: string; group: ThingGroupRecord }
  | { kind: 'cognito'; value: string };

export type ThingPrincipalType = ThingPrincipalRecord['type'];

const CERT_ARN = /^arn:aws[\w-]*:iot:[\w-]*:\d*:cert\/(.+)$/;
const THING_GROUP_ARN = /^arn:aws[\w-]*:iot:[\w-]*:\d*:thinggroup\/(.+)$/;
const COGNITO_ID = /^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]{36}$/;

/**
 * Resolves a principal string. A certificate or thing group that does not exist in this account and region
 * is ResourceNotFoundException; a string that is none of the known forms is InvalidRequestException.
 */
export function resolvePrincipal(
  r: Reader,
  value: string,
  opts: { allowThingGroup: boolean; label: string },
): PrincipalRef {
  const cert = CERT_ARN.exec(value);
  if (cert) {
    const certificate = r.c.certificates.get(cert[1]!);
    if (!certificate || certificate.certificateArn !== value) {
      throw notFound(`Certificate ${cert[1]} cannot be found (${value}).`);
    }
    return { kind: 'certificate', value, certificate };
  }
  const group = THING_GROUP_ARN.exec(value);
  if (group && opts.allowThingGroup) {
    const record = r.c.thingGroups.get(group[1]!);
    if (!record || record.thingGroupArn !== value)
      throw notFound(`Thing group ${group[1]} cannot be found (${value}).`);
    return { kind: 'thingGroup', value, group: record };
  }
  if (COGNITO_ID.test(value)) return { kind: 'cognito', value };
  const forms = opts.allowThingGroup
    ? 'a certificate ARN (arn:aws:iot:region:account:cert/id), a thing group ARN (arn:aws:iot:region:account:thinggroup/name) or an Amazon Cognito identity id (region:id)'
    : 'a certificate ARN (arn:aws:iot:region:account:cert/id) or an Amazon Cognito identity id (region:id)';
  throw invalidRequest(`${opts.label} '${value.slice(0, 300)}' is not valid: expected ${forms}.`);
}

/**
 * AttachThingPrincipal. EXCLUSIVE_THING means the thing is the only one attached to the principal, both ways
 * round. Attaching again is a no-op; asking for another attachment type changes it.
 */
export function attachThingPrincipal(
  ctx: EmulatorContext,
  thingName: string,
  principal: string,
  type: ThingPrincipalType,
  tx?: Transaction,
): void {
  inTransaction(ctx, tx, (tx) => {
    requireThing(tx, thingName);
    resolvePrincipal(tx, principal, { allowThingGroup: false, label: 'Principal' });
    const links = tx.c.thingPrincipals;
    const others = links.findBy('principal', principal).filter((l) => l.thingName !== thingName);
    const exclusive = others.find((l) => l.type === 'EXCLUSIVE_THING');
    if (exclusive) {
      throw invalidRequest(
        `Principal ${principal} is attached exclusively to thing ${exclusive.thingName}; it cannot be attached to another thing.`,
      );
    }
    if (type === 'EXCLUSIVE_THING' && others.length > 0) {
      throw invalidRequest(
        `Principal ${principal} cannot be attached exclusively to thing ${thingName}: it is already attached to ${others.map((l) => l.thingName).join(', ')}.`,
      );
    }
    const key = pairKey(thingName, principal);
    const existing = links.get(key);
    if (existing && existing.type === type) return;
    const record: ThingPrincipalRecord = {
      thingName,
      principal,
      type,
      attachedAt: existing?.attachedAt ?? ctx.now(),
    };
    tx.put('thingPrincipals', key, record);
  });
}

/** DetachThingPrincipal: detaching a principal that is not attached succeeds (the end state is the one asked for). */
export function detachThingPrincipal(ctx: EmulatorContext, thingName: string, principal: string, tx?: Transaction) {
  inTransaction(ctx, tx, (tx) => {
    requireThing(tx, thingName);
    const key = pairKey(thingName, principal);
    if (tx.c.thingPrincipals.has(key)) tx.delete('thingPrincipals', key);
  });
}

export type ThingPrincipalsQuery = PageRequest & { thingPrincipalType?: ThingPrincipalType };

/** ListThingPrincipals(V2): the thing's principals, in principal order. */
export function listThingPrincipals(
  ctx: EmulatorContext,
  thingName: string,
  q: ThingPrincipalsQuery,
): Page<ThingPrincipalRecord> {
  if (!ctx.store.c.things.has(thingName)) {
    // AWS's own wording for this operation, not DescribeThing's.
    throw notFound(`Failed to list principals for thing ${thingName} because the thing does not exist in your account`);
  }
  const links = ctx.store.c.thingPrincipals;
  // Keys are pairKey(thing, principal): sorting them orders the page by principal.
  const keys = links.keysBy('thing', thingName).sort();
  return paginate(keys, (k) => links.get(k), {
    token: q.token,
    limit: q.limit,
    filter: q.thingPrincipalType ? (p) => p.type === q.thingPrincipalType : undefined,
  });
}

/** ListPrincipalThings(V2): the things a principal is attached to, in thing-name order. */
export function listPrincipalThings(
  ctx: EmulatorContext,
  principal: string,
  q: ThingPrincipalsQuery,
): Page<ThingPrincipalRecord> {
  resolvePrincipal(ctx.store, principal, { allowThingGroup: false, label: 'Principal' });
  const links = ctx.store.c.thingPrincipals;
  // Keys are pairKey(thing, principal): sorting them orders the page by thing name.
  const keys = links.keysBy('principal', principal).sort();
  return paginate(keys, (k) => links.get(k), {
    token: q.token,
    limit: q.limit,
    filter: q.thingPrincipalType ? (p) => p.type === q.thingPrincipalType : undefined,
  });
}
