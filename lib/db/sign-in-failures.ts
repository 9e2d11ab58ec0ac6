import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';

import type { DatabaseSchema, SignInFailuresTable } from './schema';

/**
 * Failed sign-ins: recorded per attempt, counted for throttling (lib/auth/sign-in-throttle.ts turns the
 * counts into a wait), listed for an admin. Counting is per (account, client address) pair, per client
 * address and per account, so the policy can slow a guesser hard while the real operator, from another
 * address, is slowed little.
 */

export interface SignInFailureInput {
  /** The user name or e-mail that was tried (stored lower-cased), whether or not an account has it. */
  login: string;
  userId?: string;
  clientAddress?: string;
  userAgent?: string;
  /** e.g. `invalid_credentials`, `disabled`, `no_role`, `throttled`. */
  reason: string;
  at?: Date;
}

export interface SignInFailure {
  id: string;
  at: Date;
  login: string;
  userId?: string;
  clientAddress?: string;
  userAgent?: string;
  reason: string;
  /** When a later sign-in of the same account from the same address succeeded. */
  clearedAt?: Date;
}

/** Failures not cleared by a success, since a moment: how many and the latest. */
export interface FailureCount {
  count: number;
  last?: Date;
}

export interface FailureCounts {
  /** This account from this address. */
  pair: FailureCount;
  /** This address, any account. */
  address: FailureCount;
  /** This account, any address. */
  account: FailureCount;
}

export const loginKey = (login: string) => login.trim().toLowerCase().slice(0, 320);

function toFailure(row: Selectable<SignInFailuresTable>): SignInFailure {
  return {
    id: String(row.id),
    at: row.at,
    login: row.account_key,
    ...(row.user_id ? { userId: row.user_id } : {}),
    ...(row.client_address ? { clientAddress: row.client_address } : {}),
    ...(row.user_agent ? { userAgent: row.user_agent } : {}),
    reason: row.reason,
    ...(row.cleared_at ? { clearedAt: row.cleared_at } : {}),
  };
}

export function signInFailuresRepository(db: Kysely<DatabaseSchema>) {
  return {
    async record(input: SignInFailureInput): Promise<void> {
      await db
        .insertInto('sign_in_failures')
        .values({
          at: input.at ?? new Date(),
          account_key: loginKey(input.login),
          user_id: input.userId ?? null,
          client_address: (input.clientAddress ?? '').slice(0, 100),
          user_agent: input.userAgent?.slice(0, 512) ?? null,
          reason: input.reason,
        })
        .execute();
    },

    /** A successful sign-in: this account's failures from this address no longer count. */
    async clear(login: string, clientAddress = '', at = new Date()): Promise<void> {
      await db
        .updateTable('sign_in_failures')
        .set({ cleared_at: at })
        .where('account_key', '=', loginKey(login))
        .where('client_address', '=', clientAddress)
        .where('cleared_at', 'is', null)
        .execute();
    },

    /** Uncleared failures since `since` for the pair, the address and the account, in one round trip. */
    async counts(login: string, clientAddress = '', since: Date): Promise<FailureCounts> {
      const key = loginKey(login);
      const row = await db
        .selectFrom('sign_in_failures')
        .select([
          sql<number>`count(*) filter (where account_key = ${key} and client_address = ${clientAddress})::int`.as(
            'pair_n',
          ),
          sql<Date | null>`max(at) filter (where account_key = ${key} and client_address = ${clientAddress})`.as(
            'pair_last',
          ),
          sql<number>`count(*) filter (where client_address = ${clientAddress})::int`.as('address_n'),
          sql<Date | null>`max(at) filter (where client_address = ${clientAddress})`.as('address_last'),
          sql<number>`count(*) filter (where account_key = ${key})::int`.as('account_n'),
          sql<Date | null>`max(at) filter (where account_key = ${key})`.as('account_last'),
        ])
        .where('at', '>=', since)
        .where('cleared_at', 'is', null)
        .where((eb) => eb.or([eb('account_key', '=', key), eb('client_address', '=', clientAddress)]))
        .executeTakeFirstOrThrow();
      const count = (n: number, last: Date | null): FailureCount => ({
        count: Number(n),
        ...(last ? { last: new Date(last) } : {}),
      });
      return {
        pair: count(row.pair_n, row.pair_last),
        address: count(row.address_n, row.address_last),
        account: count(row.account_n, row.account_last),
      };
    },

    /** For the admin: the most recent failures, newest first (optionally one account or one address). */
    async recent(opts: { limit?: number; login?: string; clientAddress?: string } = {}): Promise<SignInFailure[]> {
      let q = db.selectFrom('sign_in_failures').selectAll();
      if (opts.login) q = q.where('account_key', '=', loginKey(opts.login));
      if (opts.clientAddress !== undefined) q = q.where('client_address', '=', opts.clientAddress);
      const rows = await q
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.max(1, Math.min(500, opts.limit ?? 100)))
        .execute();
      return rows.map(toFailure);
    },

    /** Forgets failures older than `before` (they no longer count and the audit trail keeps the history). */
    async prune(before: Date): Promise<number> {
      const r = await db.deleteFrom('sign_in_failures').where('at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

export type SignInFailuresRepository = ReturnType<typeof signInFailuresRepository>;
