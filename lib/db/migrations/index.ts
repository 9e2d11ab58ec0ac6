import type { Migration, MigrationProvider } from 'kysely';

import { accounts } from './0001-accounts';
import { audit } from './0002-audit';
import { signInFailures } from './0003-sign-in-failures';
import { bulkJobs } from './0004-bulk-jobs';

/**
 * Every migration, in order, as modules (not files read at run time, so they bundle with the Next server).
 * Kysely's Migrator applies the ones a database has not seen, in name order, each in a transaction, under
 * a lock, so two instances starting at once do not both apply one. Never edit an applied migration: add one.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-accounts': accounts,
  '0002-audit': audit,
  '0003-sign-in-failures': signInFailures,
  '0004-bulk-jobs': bulkJobs,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
