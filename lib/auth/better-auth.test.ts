import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { isAPIError } from 'better-auth/api';
import { getMigrations } from 'better-auth/db/migration';

import { auditLog } from '../db/audit';
import type { Database } from '../db/database';
import { signInFailuresRepository } from '../db/sign-in-failures';
import { testDrivers } from '../db/testing/drivers';
import { usersRepository } from '../db/users';
import { type Auth, COOKIE_PREFIX, createAuth, DISABLED_MESSAGE } from './better-auth';
import { createLocalUser, ensureFirstAdmin, SignInError, setUserPassword, signInWithPassword } from './local-accounts';
import { sessionTimeouts } from './session-timeouts';

const BASE_URL = 'http://localhost:3000';
const IDLE = 600;
const ABSOLUTE = 3600;
const REFRESH = sessionTimeouts(IDLE, ABSOLUTE).refreshSeconds;

/** Request headers as a browser at `address` sends them, with the session cookie when there is one. */
function browser(address: string, cookie?: string): Headers {
  const h = new Headers({ 'x-forwarded-for': address, 'user-agent': `test-browser ${address}`, origin: BASE_URL });
  if (cookie) h.set('cookie', cookie);
  return h;
}

/** The cookie header a browser would send back after these response headers. */
function cookieFrom(response: Headers): string {
  return response
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .filter((c) => !c.endsWith('='))
    .join('; ');
}

for (const driver of testDrivers) {
  describe(`better-auth on ${driver.name}`, () => {
    let database: Database;
    let auth: Auth;
    let adminCookie: string;
    const adminPassword = 'correct horse battery staple';

    const signIn = async (login: string, password: string, address = '192.0.2.10') =>
      cookieFrom((await signInWithPassword(auth, { login, password, headers: browser(address) })).headers);
    const session = (cookie: string, address = '192.0.2.10') =>
      auth.api.getSession({ headers: browser(address, cookie) });
    const sessionRow = (userId: string) =>
      database.db.selectFrom('sessions').selectAll().where('user_id', '=', userId).executeTakeFirstOrThrow();

    before(async () => {
      database = await driver.open();
      auth = createAuth({
        db: database.db,
        secret: 'test-secret-test-secret-test-secret-0123',
        baseURL: BASE_URL,
        timeouts: sessionTimeouts(IDLE, ABSOLUTE),
      });
      const first = await ensureFirstAdmin(auth, usersRepository(database.db), { password: adminPassword });
      assert.deepEqual(first, { created: true, username: 'admin', password: adminPassword, generated: false });
      adminCookie = await signIn('admin', adminPassword);
    });
    after(() => database?.close());

    it("uses the dashboard's schema as better-auth expects it (nothing to create or add)", async () => {
      const plan = await getMigrations(auth.options);
      assert.deepEqual(
        plan.toBeCreated.map((t) => t.table),
        [],
      );
      assert.deepEqual(
        plan.toBeAdded.map((t) => [t.table, Object.keys(t.fields)]),
        [],
      );
    });

    it('makes the first admin once, with a scrypt hash of the password (never the password)', async () => {
      assert.deepEqual(await ensureFirstAdmin(auth, usersRepository(database.db)), { created: false });
      const row = await database.db
        .selectFrom('accounts')
        .innerJoin('users', 'users.id', 'accounts.user_id')
        .select(['accounts.password', 'accounts.provider_id', 'users.role', 'users.username', 'users.email'])
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        { provider: row.provider_id, role: row.role, username: row.username, email: row.email },
        { provider: 'credential', role: 'admin', username: 'admin', email: 'admin@dashboard.local' },
      );
      // better-auth's scrypt: 16-byte salt : 64-byte key, both hex.
      assert.match(row.password!, /^[0-9a-f]{32}:[0-9a-f]{128}$/);
      assert.ok(!row.password!.includes(adminPassword));
    });

    it('signs in by user name or e-mail in any case, and the session is a database row read on each request', async () => {
      const byEmail = await signIn('ADMIN@dashboard.local', adminPassword);
      assert.match(byEmail, new RegExp(`^${COOKIE_PREFIX}\\.session_token=`));
      const s = await session(byEmail);
      assert.ok(s);
      assert.equal(s.user.email, 'admin@dashboard.local');
      assert.equal((s.user as { role?: string }).role, 'admin');
      assert.equal(s.session.ipAddress, '192.0.2.10');
      await assert.rejects(
        signIn('admin', 'wrong password!!'),
        (e: unknown) => e instanceof SignInError && e.reason === 'invalid',
      );
      await assert.rejects(
        signIn('nobody', adminPassword),
        (e: unknown) => e instanceof SignInError && e.reason === 'invalid',
      );
      // No public sign-up.
      await assert.rejects(
        auth.api.signUpEmail({ body: { email: 'x@example.com', password: 'a long enough password', name: 'X' } }),
        (e: unknown) => isAPIError(e),
      );
    });

    it('sign-out ends the session wherever its cookie is used', async () => {
      const cookie = await signIn('admin', adminPassword);
      const copied = cookie; // the same cookie in another browser
      assert.ok(await session(copied, '198.51.100.99'));
      await auth.api.signOut({ headers: browser('192.0.2.10', cookie) });
      assert.equal(await session(copied, '198.51.100.99'), null);
    });

    it("an admin lists and ends another user's sessions; a viewer may not", async () => {
      const { id } = await createLocalUser(
        auth,
        {
          name: 'Olive Operator',
          username: 'Olive',
          email: 'olive@example.com',
          password: 'olive password 1',
          role: 'operator',
        },
        browser('192.0.2.10', adminCookie),
      );
      const one = await signIn('olive', 'olive password 1', '203.0.113.1');
      const two = await signIn('olive@example.com', 'olive password 1', '203.0.113.2');
      const { sessions } = await auth.api.listUserSessions({
        body: { userId: id },
        headers: browser('192.0.2.10', adminCookie),
      });
      assert.deepEqual(sessions.map((s) => s.ipAddress).sort(), ['203.0.113.1', '203.0.113.2']);

      // One session ended by id (the Users page never sees tokens), then the rest.
      const users = usersRepository(database.db);
      const listed = await users.sessions(id);
      assert.equal(await users.endSession(listed.find((s) => s.clientAddress === '203.0.113.1')!.id), true);
      assert.equal(await session(one), null);
      assert.ok(await session(two));
      await auth.api.revokeUserSessions({ body: { userId: id }, headers: browser('192.0.2.10', adminCookie) });
      assert.equal(await session(two), null);

      await createLocalUser(
        auth,
        { name: 'Vic Viewer', username: 'vic', email: 'vic@example.com', password: 'vic password 12', role: 'viewer' },
        browser('192.0.2.10', adminCookie),
      );
      const vic = await signIn('vic', 'vic password 12');
      await assert.rejects(
        auth.api.listUserSessions({ body: { userId: id }, headers: browser('192.0.2.10', vic) }),
        (e: unknown) => isAPIError(e) && e.statusCode === 403,
      );
      await assert.rejects(
        createLocalUser(
          auth,
          { name: 'Mallory', username: 'mallory', email: 'm@example.com', password: 'mallory password', role: 'admin' },
          browser('192.0.2.10', vic),
        ),
        (e: unknown) => isAPIError(e) && e.statusCode === 403,
      );
    });

    it('disabling a user ends their sessions and refuses their next sign-in with a clear message', async () => {
      const olive = (await usersRepository(database.db).byLogin('olive'))!;
      const cookie = await signIn('olive', 'olive password 1');
      await auth.api.banUser({
        body: { userId: olive.id, banReason: 'left' },
        headers: browser('192.0.2.10', adminCookie),
      });
      assert.equal(await session(cookie), null);
      const user = await usersRepository(database.db).byId(olive.id);
      assert.equal(user?.disabled, true);
      await assert.rejects(
        signIn('olive', 'olive password 1'),
        (e: unknown) => e instanceof SignInError && e.reason === 'disabled' && e.message === DISABLED_MESSAGE,
      );
      await auth.api.unbanUser({ body: { userId: olive.id }, headers: browser('192.0.2.10', adminCookie) });
      // The repository's own disable (same transaction as the session delete) behaves the same.
      const again = await signIn('olive', 'olive password 1');
      await usersRepository(database.db).setDisabled(olive.id, true);
      assert.equal(await session(again), null);
      await usersRepository(database.db).setDisabled(olive.id, false);
    });

    it("a password change ends the user's sessions: all of them on an admin's reset, the others on their own", async () => {
      const olive = (await usersRepository(database.db).byLogin('olive'))!;
      const a = await signIn('olive', 'olive password 1', '203.0.113.1');
      const b = await signIn('olive', 'olive password 1', '203.0.113.2');
      await setUserPassword(auth, {
        userId: olive.id,
        password: 'olive password 2',
        headers: browser('192.0.2.10', adminCookie),
      });
      assert.equal(await session(a), null);
      assert.equal(await session(b), null);
      await assert.rejects(signIn('olive', 'olive password 1'), SignInError);

      const c = await signIn('olive', 'olive password 2', '203.0.113.1');
      const d = await signIn('olive', 'olive password 2', '203.0.113.2');
      await auth.api.changePassword({
        body: { currentPassword: 'olive password 2', newPassword: 'olive password 3' },
        headers: browser('203.0.113.1', c),
      });
      assert.ok(await session(c), 'the session that changed the password stays');
      assert.equal(await session(d), null, 'every other session ends');
      assert.ok(await signIn('olive', 'olive password 3'));
    });

    it('ends a session after the idle timeout, moves its end forward on use, never past the absolute timeout', async () => {
      const vic = (await usersRepository(database.db).byLogin('vic'))!;
      await usersRepository(database.db).endSessions(vic.id);
      const cookie = await signIn('vic', 'vic password 12');
      const created = await sessionRow(vic.id);
      const now = Date.now();
      assert.ok(Math.abs(created.expires_at.getTime() - (now + IDLE * 1000)) < 5000, 'idle timeout from sign-in');

      // Used after `refresh` seconds: the end moves to now + idle.
      const due = new Date(now + (IDLE - REFRESH - 5) * 1000);
      await database.db.updateTable('sessions').set({ expires_at: due }).where('user_id', '=', vic.id).execute();
      assert.ok(await session(cookie));
      const moved = (await sessionRow(vic.id)).expires_at.getTime();
      assert.ok(Math.abs(moved - (Date.now() + IDLE * 1000)) < 5000, 'used: idle timeout from now');

      // Signed in almost `absolute` ago: the end moves no further than sign-in + absolute.
      const signedIn = new Date(Date.now() - (ABSOLUTE - 120) * 1000);
      await database.db
        .updateTable('sessions')
        .set({ created_at: signedIn, expires_at: due })
        .where('user_id', '=', vic.id)
        .execute();
      assert.ok(await session(cookie));
      assert.equal((await sessionRow(vic.id)).expires_at.getTime(), signedIn.getTime() + ABSOLUTE * 1000);

      // Past its end (idle or absolute): gone.
      await database.db
        .updateTable('sessions')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('user_id', '=', vic.id)
        .execute();
      assert.equal(await session(cookie), null);
    });

    it('slows repeated failures per account and address without locking the real user out, and records them', async () => {
      const attacker = '203.0.113.66';
      for (let i = 0; i < 4; i++) {
        await assert.rejects(
          signIn('admin', `guess ${i} guess`, attacker),
          (e: unknown) => e instanceof SignInError && e.reason === 'invalid',
        );
      }
      await assert.rejects(
        signIn('admin', adminPassword, attacker),
        (e: unknown) => e instanceof SignInError && e.reason === 'throttled' && (e.retryAfterSeconds ?? 0) >= 1,
        'even the right password waits from the guessing address',
      );
      assert.ok(await signIn('admin', adminPassword, '192.0.2.10'), 'the real admin, elsewhere, signs in');

      const failures = await signInFailuresRepository(database.db).recent({ clientAddress: attacker });
      assert.equal(failures.length, 4);
      assert.ok(failures.every((f) => f.login === 'admin' && f.reason === 'invalid_credentials' && f.userId));

      const audit = auditLog(database.db);
      const events = (await audit.page({ actions: ['auth.sign-in'] }, { limit: 200 })).events;
      const fromAttacker = events.filter((e) => e.clientAddress === attacker);
      assert.deepEqual(
        fromAttacker.map((e) => e.outcome),
        ['denied', 'failure', 'failure', 'failure', 'failure'],
      );
      assert.equal(fromAttacker[0]!.details.reason, 'throttled');
      const success = events.find((e) => e.outcome === 'success' && e.clientAddress === '192.0.2.10');
      assert.equal(success?.actor.name, 'admin');
      assert.equal(success?.actor.role, 'admin');
      assert.ok(
        events.every((e) => !JSON.stringify(e).includes(adminPassword)),
        'no password in the trail',
      );
    });
  });
}
