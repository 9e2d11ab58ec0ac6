import type { Migration } from 'kysely';

import { runStatements } from './run';

/**
 * People and their sign-ins: the tables better-auth reads and writes (lib/auth/better-auth.ts maps its models
 * `user`, `session`, `account`, `verification` and their fields onto these names). The admin plugin's `banned`
 * is our `disabled`; the username plugin adds `username` (lower-cased, unique) and `display_username`.
 */
export const accounts: Migration = {
  async up(db) {
    await runStatements(db, [
      `create table users (
        id text primary key,
        name text not null,
        email text not null unique,
        email_verified boolean not null default false,
        image text,
        username text unique,
        display_username text,
        role text not null default 'viewer' check (role in ('viewer', 'operator', 'admin')),
        disabled boolean not null default false,
        disabled_reason text,
        disabled_until timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      // Server-side sessions: deleting the row ends the session wherever its cookie is used.
      `create table sessions (
        id text primary key,
        user_id text not null references users (id) on delete cascade,
        token text not null unique,
        expires_at timestamptz not null,
        ip_address text,
        user_agent text,
        impersonated_by text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      'create index sessions_user on sessions (user_id)',
      // One row per way to sign in: `credential` (password hash) or an OpenID provider's subject.
      `create table accounts (
        id text primary key,
        user_id text not null references users (id) on delete cascade,
        account_id text not null,
        provider_id text not null,
        access_token text,
        refresh_token text,
        id_token text,
        access_token_expires_at timestamptz,
        refresh_token_expires_at timestamptz,
        scope text,
        password text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (provider_id, account_id)
      )`,
      'create index accounts_user on accounts (user_id)',
      // Short-lived values: OAuth state, e-mail verification tokens.
      `create table verifications (
        id text primary key,
        identifier text not null,
        value text not null,
        expires_at timestamptz not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      'create index verifications_identifier on verifications (identifier)',
    ]);
  },
};
