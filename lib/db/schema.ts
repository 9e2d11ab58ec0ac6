import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/**
 * The database's tables as Kysely sees them (lib/db/migrations/ creates them). Column names are the SQL
 * names; repositories turn rows into the application's camelCase types.
 */

/** A timestamptz column: read as Date, written as Date (or left to its default). */
type Timestamp = ColumnType<Date, Date | undefined, Date>;
type NullableTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;

export type Role = 'viewer' | 'operator' | 'admin';

export interface UsersTable {
  id: string;
  name: string;
  email: string;
  email_verified: ColumnType<boolean, boolean | undefined, boolean>;
  image: string | null;
  username: string | null;
  display_username: string | null;
  role: ColumnType<Role, Role | undefined, Role>;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  disabled_reason: string | null;
  disabled_until: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  token: string;
  expires_at: Date;
  ip_address: string | null;
  user_agent: string | null;
  impersonated_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AccountsTable {
  id: string;
  user_id: string;
  account_id: string;
  provider_id: string;
  access_token: string | null;
  refresh_token: string | null;
  id_token: string | null;
  access_token_expires_at: NullableTimestamp;
  refresh_token_expires_at: NullableTimestamp;
  scope: string | null;
  password: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface VerificationsTable {
  id: string;
  identifier: string;
  value: string;
  expires_at: Date;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEventsTable {
  /** bigint identity: node-postgres and PGlite return it as a string or a number; repositories normalise. */
  id: Generated<string>;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  client_address: string | null;
  user_agent: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  resource_arn: string | null;
  resources: ColumnType<string[], string[] | undefined, never>;
  outcome: AuditOutcome;
  aws_request_id: string | null;
  details: JSONColumnType<Record<string, unknown>, string, never>;
}

export interface SignInFailuresTable {
  id: Generated<string>;
  at: Timestamp;
  account_key: string;
  user_id: string | null;
  client_address: ColumnType<string, string | undefined, string>;
  user_agent: string | null;
  reason: string;
  cleared_at: NullableTimestamp;
}

export interface BulkJobsTable {
  id: string;
  name: string;
  status: string;
  policy_name: string;
  policy_source: string;
  total: number;
  settings: JSONColumnType<Record<string, unknown>, string, string>;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  lease_owner: string | null;
  lease_expires_at: Date | null;
}

export interface BulkJobDevicesTable {
  job_id: string;
  position: number;
  thing_name: string;
  input: JSONColumnType<Record<string, unknown>, string, string>;
  status: string;
  inflight_step: string | null;
  inflight_at: Date | null;
  certificate_id: string | null;
  certificate_arn: string | null;
  certificate_pem: string | null;
  progress: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  runs: ColumnType<number, number | undefined, number>;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface DatabaseSchema {
  users: UsersTable;
  sessions: SessionsTable;
  accounts: AccountsTable;
  verifications: VerificationsTable;
  audit_events: AuditEventsTable;
  sign_in_failures: SignInFailuresTable;
  bulk_jobs: BulkJobsTable;
  bulk_job_devices: BulkJobDevicesTable;
}
