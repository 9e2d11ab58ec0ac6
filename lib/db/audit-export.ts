import { csvCell } from '../csv/csv';
import type { AuditEvent } from './audit';

/**
 * Audit exports as text streams (a route handler pipes them into its Response): CSV for a spreadsheet, JSON
 * for tools. Both take the events as `auditLog(db).all(filter)` yields them, so an export of any size is read
 * in batches, never whole into memory.
 */

export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'actor_id',
  'actor_name',
  'actor_role',
  'client_address',
  'user_agent',
  'action',
  'resource_type',
  'resource_id',
  'resource_arn',
  'resources',
  'outcome',
  'aws_request_id',
  'details',
] as const;

function csvRow(e: AuditEvent): string {
  return (
    [
      e.id,
      e.at.toISOString(),
      e.actor.id,
      e.actor.name,
      e.actor.role,
      e.clientAddress,
      e.userAgent,
      e.action,
      e.resource.type,
      e.resource.id,
      e.resource.arn,
      e.resources.join(' '),
      e.outcome,
      e.awsRequestId,
      Object.keys(e.details).length ? JSON.stringify(e.details) : undefined,
    ]
      // Every cell through lib/csv, the one CSV writer: neutralised when a spreadsheet would run it as a formula.
      .map((cell) => csvCell(cell ?? ''))
      .join(',')
  );
}

export async function* auditCsv(events: AsyncIterable<AuditEvent>): AsyncGenerator<string> {
  yield `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
  for await (const e of events) yield `${csvRow(e)}\r\n`;
}

/** A JSON array, one event per line. */
export async function* auditJson(events: AsyncIterable<AuditEvent>): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const e of events) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify({ ...e, at: e.at.toISOString() })}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}
