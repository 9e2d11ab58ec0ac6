import type { Migration } from 'kysely';

import { runStatements } from './run';

/**
 * Failed sign-ins, for throttling (backoff per account and per client address) and for the admin's view.
 * `account_key` is the lower-cased user name or e-mail that was tried, whether or not it names an account;
 * `cleared_at` is set when the same account signs in from the same address, which ends that pair's backoff
 * while the row stays visible to the admin.
 */
export const signInFailures: Migration = {
  async up(db) {
    await runStatements(db, [
      `create table sign_in_failures (
        id bigint generated always as identity primary key,
        at timestamptz not null default now(),
        account_key text not null,
        user_id text,
        client_address text not null default '',
        user_agent text,
        reason text not null,
        cleared_at timestamptz
      )`,
      'create index sign_in_failures_account on sign_in_failures (account_key, at desc)',
      'create index sign_in_failures_address on sign_in_failures (client_address, at desc)',
      'create index sign_in_failures_at on sign_in_failures (at desc)',
    ]);
  },
};
