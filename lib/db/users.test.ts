import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Database } from './database';
import { signInFailuresRepository } from './sign-in-failures';
import { testDrivers } from './testing/drivers';
import { LastAdminError, usersRepository } from './users';

for (const driver of testDrivers) {
  describe(`users and sessions on ${driver.name}`, () => {
    let database: Database;
    const future = new Date(Date.now() + 3_600_000);
    before(async () => {
      database = await driver.open();
      await database.db
        .insertInto('users')
        .values([
          { id: 'admin-1', name: 'Admin', email: 'admin@example.com', username: 'admin', role: 'admin' },
          { id: 'ops-1', name: 'Operator', email: 'ops@example.com', username: 'ops', role: 'operator' },
        ])
        .execute();
      await database.db
        .insertInto('sessions')
        .values([
          { id: 's1', user_id: 'ops-1', token: 't1', expires_at: future, ip_address: '198.51.100.1', user_agent: 'A' },
          { id: 's2', user_id: 'ops-1', token: 't2', expires_at: future },
          { id: 's3', user_id: 'ops-1', token: 't3', expires_at: new Date(Date.now() - 1000) },
          { id: 's4', user_id: 'admin-1', token: 't4', expires_at: future },
        ])
        .execute();
    });
    after(() => database?.close());

    it('finds a user by user name or e-mail, in any case', async () => {
      const users = usersRepository(database.db);
      assert.equal((await users.byLogin(' OPS '))?.id, 'ops-1');
      assert.equal((await users.byLogin('Ops@Example.com'))?.id, 'ops-1');
      assert.equal(await users.byLogin('nobody'), undefined);
      assert.equal(await users.count(), 2);
    });

    it("lists a user's live sessions without their tokens, and ends one or all", async () => {
      const users = usersRepository(database.db);
      const sessions = await users.sessions('ops-1');
      assert.deepEqual(sessions.map((s) => s.id).sort(), ['s1', 's2']);
      assert.ok(sessions.every((s) => !('token' in s)));
      assert.equal(sessions.find((s) => s.id === 's1')?.clientAddress, '198.51.100.1');
      assert.equal(await users.endSession('s1'), true);
      assert.equal(await users.endSession('s1'), false);
      assert.deepEqual(
        (await users.sessions('ops-1')).map((s) => s.id),
        ['s2'],
      );
    });

    it('disabling a user ends all their sessions at once; enabling lets them back', async () => {
      const users = usersRepository(database.db);
      await database.db
        .insertInto('sessions')
        .values({ id: 's5', user_id: 'ops-1', token: 't5', expires_at: future })
        .execute();
      const { user, sessionsEnded } = await users.setDisabled('ops-1', true, 'left the team');
      assert.equal(user.disabled, true);
      assert.equal(user.disabledReason, 'left the team');
      assert.equal(sessionsEnded, 3, 'the two live sessions and the expired one');
      assert.deepEqual(await users.sessions('ops-1'), []);
      assert.equal((await users.setDisabled('ops-1', false)).user.disabled, false);
    });

    it('never leaves the console without an enabled admin', async () => {
      const users = usersRepository(database.db);
      await assert.rejects(users.setDisabled('admin-1', true), LastAdminError);
      await assert.rejects(users.setRole('admin-1', 'viewer'), LastAdminError);
      await users.setRole('ops-1', 'admin');
      assert.equal((await users.setRole('admin-1', 'viewer')).role, 'viewer');
      assert.equal((await users.byId('admin-1'))?.role, 'viewer');
    });
  });

  describe(`sign-in failures on ${driver.name}`, () => {
    let database: Database;
    before(async () => {
      database = await driver.open();
    });
    after(() => database?.close());

    it('counts uncleared failures per account and address, per address and per account', async () => {
      const failures = signInFailuresRepository(database.db);
      const now = Date.now();
      const at = (s: number) => new Date(now - s * 1000);
      for (let i = 0; i < 3; i++)
        await failures.record({
          login: 'Admin',
          clientAddress: '203.0.113.9',
          reason: 'invalid_credentials',
          at: at(10 - i),
        });
      await failures.record({
        login: 'admin',
        clientAddress: '198.51.100.4',
        reason: 'invalid_credentials',
        at: at(5),
      });
      await failures.record({ login: 'ops', clientAddress: '203.0.113.9', reason: 'invalid_credentials', at: at(4) });
      await failures.record({
        login: 'admin',
        clientAddress: '203.0.113.9',
        reason: 'invalid_credentials',
        at: at(7200),
      });

      const counts = await failures.counts('ADMIN', '203.0.113.9', at(3600));
      assert.deepEqual(counts, {
        pair: { count: 3, last: at(8) },
        address: { count: 4, last: at(4) },
        account: { count: 4, last: at(5) },
      });

      // The real operator signs in from their own address: only that pair is cleared.
      await failures.clear('admin', '198.51.100.4');
      assert.deepEqual((await failures.counts('admin', '198.51.100.4', at(3600))).pair, { count: 0 });
      assert.equal((await failures.counts('admin', '203.0.113.9', at(3600))).pair.count, 3);

      const recent = await failures.recent({ limit: 3 });
      assert.deepEqual(
        recent.map((f) => [f.login, f.clientAddress]),
        [
          ['ops', '203.0.113.9'],
          ['admin', '198.51.100.4'],
          ['admin', '203.0.113.9'],
        ],
      );
      assert.ok(recent[1]!.clearedAt, 'a cleared failure stays visible to the admin');
      assert.equal((await failures.recent({ login: 'ops' })).length, 1);
      assert.equal(await failures.prune(at(3600)), 1);
    });
  });
}
