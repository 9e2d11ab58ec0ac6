import type { Migration } from 'kysely';

import { runStatements } from './run';

/**
 * The audit trail. Append-only twice over: the application has no statement that updates or deletes an event
 * (lib/db/audit.ts only inserts and reads), and a trigger refuses UPDATE, DELETE and TRUNCATE from anyone,
 * so a bug or a console that gained SQL access cannot rewrite history. (Retention is a DBA's decision:
 * drop the trigger, delete, recreate it.)
 *
 * `at` has millisecond precision, the precision of the keyset cursor (lib/db/audit.ts) that pages by (at, id).
 * `resources` holds every id and ARN the event names, for the resource filter (GIN index); `resource_id` and
 * `resource_arn` are the main one, for display. No foreign key to users: the trail outlives accounts.
 */
export const audit: Migration = {
  async up(db) {
    await runStatements(db, [
      `create table audit_events (
        id bigint generated always as identity primary key,
        at timestamptz not null default date_trunc('milliseconds', now()),
        actor_id text,
        actor_name text,
        actor_role text,
        client_address text,
        user_agent text,
        action text not null,
        resource_type text,
        resource_id text,
        resource_arn text,
        resources text[] not null default '{}',
        outcome text not null check (outcome in ('success', 'failure', 'denied')),
        aws_request_id text,
        details jsonb not null default '{}'::jsonb
      )`,
      // The first page and every filter page in (at, id) order, newest first.
      'create index audit_events_at on audit_events (at desc, id desc)',
      'create index audit_events_actor on audit_events (actor_id, at desc, id desc)',
      'create index audit_events_action on audit_events (action, at desc, id desc)',
      'create index audit_events_outcome on audit_events (outcome, at desc, id desc)',
      'create index audit_events_resources on audit_events using gin (resources)',
      `create function audit_events_refuse_change() returns trigger language plpgsql as $$
        begin
          raise exception 'audit events are append-only: % refused', tg_op using errcode = 'insufficient_privilege';
        end
      $$`,
      `create trigger audit_events_append_only before update or delete on audit_events
        for each row execute function audit_events_refuse_change()`,
      `create trigger audit_events_no_truncate before truncate on audit_events
        for each statement execute function audit_events_refuse_change()`,
    ]);
  },
};
