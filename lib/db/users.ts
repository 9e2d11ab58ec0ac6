import type { Kysely, Selectable } from 'kysely';

import type { DatabaseSchema, Role, SessionsTable, UsersTable } from './schema';

/**
 * The dashboard's people and their sessions, for the Users page and the role checks. Accounts with passwords
 * are created and passwords set through better-auth (lib/auth/), which hashes them; everything here is
 * plain rows. Disabling a user ends every session of theirs in the same transaction; the last enabled admin
 * can be neither disabled nor demoted, so the console always has someone who can manage it.
 */

export type { Role };
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

export interface User {
  id: string;
  name: string;
  email: string;
  username?: string;
  role: Role;
  disabled: boolean;
  disabledReason?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A session as an admin sees it: never its token (whoever holds the token holds the session). */
export interface SessionInfo {
  id: string;
  userId: string;
  createdAt: Date;
  /** When it ends unless used (the idle timeout moves it forward on use, up to the absolute timeout). */
  expiresAt: Date;
  lastUsedAt: Date;
  clientAddress?: string;
  userAgent?: string;
}

export class LastAdminError extends Error {
  constructor() {
    super('This is the only enabled admin: make another user admin first.');
    this.name = 'LastAdminError';
  }
}

export class UserNotFoundError extends Error {
  constructor() {
    super('There is no such user.');
    this.name = 'UserNotFoundError';
  }
}

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    ...(row.username ? { username: row.username } : {}),
    role: row.role,
    disabled: row.disabled,
    ...(row.disabled_reason ? { disabledReason: row.disabled_reason } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toSessionInfo(row: Selectable<SessionsTable>): SessionInfo {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.updated_at,
    ...(row.ip_address ? { clientAddress: row.ip_address } : {}),
    ...(row.user_agent ? { userAgent: row.user_agent } : {}),
  };
}

export function usersRepository(db: Kysely<DatabaseSchema>) {
  /** Refuses (inside `trx`) a change that would leave no enabled admin. */
  async function keepAnAdmin(trx: Kysely<DatabaseSchema>, userId: string) {
    const others = await trx
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .where('disabled', '=', false)
      .where('id', '!=', userId)
      .executeTakeFirstOrThrow();
    if (Number(others.n) === 0) throw new LastAdminError();
  }

  return {
    async list(): Promise<User[]> {
      const rows = await db.selectFrom('users').selectAll().orderBy('name').orderBy('id').execute();
      return rows.map(toUser);
    },

    async count(): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async byId(id: string): Promise<User | undefined> {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },

    /** By user name or e-mail, as typed at sign-in (case-insensitive: both are stored lower-cased). */
    async byLogin(login: string): Promise<User | undefined> {
      const key = login.trim().toLowerCase();
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where((eb) => eb.or([eb('username', '=', key), eb('email', '=', key)]))
        .executeTakeFirst();
      return row && toUser(row);
    },

    /** A new role takes effect on the user's next request: sessions read the user row each time. */
    async setRole(id: string, role: Role): Promise<User> {
      if (!ROLES.includes(role)) throw new Error(`Unknown role ${String(role)}.`);
      return db.transaction().execute(async (trx) => {
        const user = await trx.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        if (!user) throw new UserNotFoundError();
        if (user.role === 'admin' && role !== 'admin' && !user.disabled) await keepAnAdmin(trx, id);
        const row = await trx
          .updateTable('users')
          .set({ role, updated_at: new Date() })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toUser(row);
      });
    },

    /** Disabling ends every session of the user at once (same transaction); enabling lets them sign in again. */
    async setDisabled(id: string, disabled: boolean, reason?: string): Promise<{ user: User; sessionsEnded: number }> {
      return db.transaction().execute(async (trx) => {
        const user = await trx.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        if (!user) throw new UserNotFoundError();
        if (disabled && user.role === 'admin' && !user.disabled) await keepAnAdmin(trx, id);
        const row = await trx
          .updateTable('users')
          .set({
            disabled,
            disabled_reason: disabled ? (reason ?? null) : null,
            disabled_until: null,
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const ended = disabled
          ? await trx.deleteFrom('sessions').where('user_id', '=', id).executeTakeFirst()
          : undefined;
        return { user: toUser(row), sessionsEnded: Number(ended?.numDeletedRows ?? 0) };
      });
    },

    /** The user's sessions that have not expired, most recently used first. */
    async sessions(userId: string, now = new Date()): Promise<SessionInfo[]> {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('expires_at', '>', now)
        .orderBy('updated_at', 'desc')
        .execute();
      return rows.map(toSessionInfo);
    },

    /** Ends one session (by its id, not its token); false when it was already gone. */
    async endSession(sessionId: string): Promise<boolean> {
      const r = await db.deleteFrom('sessions').where('id', '=', sessionId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    /** Ends every session of the user; returns how many. */
    async endSessions(userId: string): Promise<number> {
      const r = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

export type UsersRepository = ReturnType<typeof usersRepository>;
