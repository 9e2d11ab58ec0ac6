import type { Migration } from 'kysely';

import { runStatements } from './run';

/**
 * Bulk onboarding jobs and their devices (lib/onboarding/bulk/types.ts: JobRecord, DeviceInput, DeviceState).
 *
 * A running job is worked by one dashboard instance at a time: the instance holds a lease (`lease_owner`,
 * `lease_expires_at`, both set with the database's clock) that it renews while it works; a job whose lease
 * has expired (its instance died) is claimed by another with `FOR UPDATE SKIP LOCKED`.
 *
 * A device's progress is written before each AWS call (`inflight_step`/`inflight_at`) and after it (what it
 * made), so whoever resumes the device knows which call may or may not have happened.
 */
export const bulkJobs: Migration = {
  async up(db) {
    await runStatements(db, [
      `create table bulk_jobs (
        id text primary key,
        name text not null,
        status text not null check (status in ('draft', 'running', 'cancelling', 'cancelled', 'completed')),
        policy_name text not null,
        policy_source text not null check (policy_source in ('template', 'existing')),
        total integer not null check (total >= 0),
        settings jsonb not null,
        created_by text,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        started_at timestamptz,
        finished_at timestamptz,
        lease_owner text,
        lease_expires_at timestamptz
      )`,
      'create index bulk_jobs_created on bulk_jobs (created_at desc)',
      // The jobs an instance may have to resume or take over.
      `create index bulk_jobs_active on bulk_jobs (created_at) where status in ('running', 'cancelling')`,
      `create table bulk_job_devices (
        job_id text not null references bulk_jobs (id) on delete cascade,
        position integer not null check (position >= 0),
        thing_name text not null,
        input jsonb not null,
        status text not null
          check (status in ('pending', 'running', 'rolling-back', 'done', 'rolled-back', 'failed')),
        inflight_step text,
        inflight_at timestamptz,
        certificate_id text,
        certificate_arn text,
        certificate_pem text,
        progress jsonb not null default '{}'::jsonb,
        runs integer not null default 0,
        started_at timestamptz,
        finished_at timestamptz,
        primary key (job_id, position),
        unique (job_id, thing_name)
      )`,
      'create index bulk_job_devices_status on bulk_job_devices (job_id, status)',
      'create index bulk_job_devices_certificate on bulk_job_devices (certificate_id) where certificate_id is not null',
    ]);
  },
};
