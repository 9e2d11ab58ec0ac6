import 'server-only';

import { headers } from 'next/headers';

import type { Operator } from '@/lib/auth/guard';
import { toAppError } from '@/lib/aws/errors';
import { collectAwsRequestIds } from '@/lib/aws/request-ids';
import { type AuditOutcome, auditLog } from '@/lib/db/audit';
import { CLIENT_ADDRESS_HEADER } from '@/lib/server/client-address';
import { dashboardDatabase } from '@/lib/server/services';
import { logger } from '@/lib/log/logger';

/**
 * The one way actions and route handlers write the audit trail. The guard's operator is the actor; the
 * request's client address (lib/server/client-address.ts) and user agent are filled in here, once:
 *
 *   const thing = await audited(operator, { action: 'thing.create', resource: { type: 'thing', id: name } },
 *     () => createThingInGroup(...));
 *
 * `audited` runs the change and records its outcome with the AWS request id (the last call's; every id when
 * there were several), or the failure with the refused call's request id, and rethrows. `recordAudit` records
 * one event as it is. Details are redacted by lib/db/audit.ts (password, token, secret, private-key fields and
 * PEM private keys never reach the table); callers put names, ids and ARNs there, nothing else.
 *
 * A failed write never fails the operator's request (the change has happened; AWS has its own CloudTrail): it
 * is logged on the server with the event's action and resource.
 */
export interface AuditFacts {
  /** `<area>.<verb>`: thing.create, certificate.revoke, policy.delete, bundle.download, user.set-role ... */
  action: string;
  resource?: { type?: string; id?: string; arn?: string };
  /** Other ids and ARNs the event names (the thing a certificate was attached to, the policy ...). */
  related?: string[];
  details?: Record<string, unknown>;
}

export interface AuditRecord extends AuditFacts {
  outcome: AuditOutcome;
  awsRequestId?: string;
}

async function requestHeaders(): Promise<Headers | undefined> {
  try {
    return await headers();
  } catch {
    return undefined;
  }
}

export async function recordAudit(
  operator: Pick<Operator, 'userId' | 'name' | 'role'> | undefined,
  record: AuditRecord,
  source?: Headers,
): Promise<void> {
  const h = source ?? (await requestHeaders());
  try {
    const database = await dashboardDatabase();
    await auditLog(database.db).append({
      ...(operator ? { actor: { id: operator.userId, name: operator.name, role: operator.role } } : {}),
      clientAddress: h?.get(CLIENT_ADDRESS_HEADER) || undefined,
      userAgent: h?.get('user-agent') || undefined,
      action: record.action,
      ...(record.resource ? { resource: record.resource } : {}),
      ...(record.related?.length ? { related: record.related } : {}),
      outcome: record.outcome,
      ...(record.awsRequestId ? { awsRequestId: record.awsRequestId } : {}),
      ...(record.details ? { details: record.details } : {}),
    });
  } catch (err) {
    logger().error(
      { audit: { action: record.action, resource: record.resource?.id, outcome: record.outcome } },
      `audit: could not record ${record.action}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

export interface AuditedOptions<T> {
  /** More facts once the result is known (the id AWS gave), or a failure the result reports without throwing. */
  after?: (result: T) => Partial<AuditRecord>;
}

export async function audited<T>(
  operator: Operator,
  facts: AuditFacts,
  run: () => Promise<T>,
  options: AuditedOptions<T> = {},
): Promise<T> {
  const ids: string[] = [];
  let result: T;
  try {
    result = await collectAwsRequestIds(ids, run);
  } catch (err) {
    const error = toAppError(err);
    await recordAudit(operator, {
      ...facts,
      outcome: 'failure',
      awsRequestId: error.requestId ?? ids.at(-1),
      details: { ...facts.details, error: error.message, ...(ids.length > 1 ? { awsRequestIds: ids } : {}) },
    });
    throw err;
  }
  const more = options.after?.(result) ?? {};
  await recordAudit(operator, {
    ...facts,
    ...more,
    outcome: more.outcome ?? 'success',
    awsRequestId: more.awsRequestId ?? ids.at(-1),
    details: { ...facts.details, ...more.details, ...(ids.length > 1 ? { awsRequestIds: ids } : {}) },
  });
  return result;
}
