import type { Kysely } from 'kysely';

import { auditLog } from '../../db/audit';
import type { DatabaseSchema } from '../../db/schema';
import { usersRepository } from '../../db/users';
import type { JobActor, RecordJobEvent } from './job-events';

/**
 * Bulk job events into the audit trail (lib/db/audit.ts). An operator's request carries its operator, client
 * address and user agent; what a job does by itself (resumed at an instance's start, taken over, finished)
 * has no request, so its actor is the user who created the job, as that user is now.
 */
export function bulkJobAudit(db: Kysely<DatabaseSchema>): RecordJobEvent {
  const log = auditLog(db);
  const users = usersRepository(db);
  const creator = async (id: string | undefined): Promise<JobActor | undefined> => {
    if (!id) return undefined;
    const user = await users.byId(id).catch(() => undefined);
    return user ? { id, name: user.username ?? user.email, role: user.role } : { id, name: id };
  };
  return async (event) => {
    const actor = event.by ?? (await creator(event.job.createdBy));
    await log.append({
      ...(actor ? { actor: { id: actor.id, name: actor.name, role: actor.role } } : {}),
      ...(event.by?.clientAddress ? { clientAddress: event.by.clientAddress } : {}),
      ...(event.by?.userAgent ? { userAgent: event.by.userAgent } : {}),
      action: event.action,
      resource: { type: 'bulk-job', id: event.job.id },
      related: [event.job.policyName],
      outcome: event.outcome,
      details: event.details,
    });
  };
}
