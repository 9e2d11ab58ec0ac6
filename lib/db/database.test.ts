import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { sql } from 'kysely';

import { databaseConfigFromEnv, DatabaseConfigError, describeDatabase } from './config';
import { type Database, DatabaseInUseError, migrate, openDatabase } from './database';
import { MIGRATIONS } from './migrations';
import { testDrivers } from './testing/drivers';

describe('database configuration', () => {
  it('is embedded PGlite under DASHBOARD_DATA_DIR unless DATABASE_URL names a PostgreSQL server', () => {
    assert.deepEqual(databaseConfigFromEnv({ DASHBOARD_DATA_DIR: '/srv/dash' }), {
      driver: 'pglite',
      dataDir: '/srv/dash/db',
    });
    assert.deepEqual(databaseConfigFromEnv({ DATABASE_URL: 'postgres://u:p@db:5432/dash', DATABASE_POOL_SIZE: '5' }), {
      driver: 'postgres',
      url: 'postgres://u:p@db:5432/dash',
      poolSize: 5,
    });
    assert.throws(() => databaseConfigFromEnv({ DATABASE_URL: 'mysql://x' }), DatabaseConfigError);
    assert.equal(
      describeDatabase({ driver: 'postgres', url: 'postgres://u:secret@db:5432/dash' }),
      'PostgreSQL at postgres://u:***@db:5432/dash',
    );
  });
});

describe('embedded database on disk', () => {
  it('keeps its data across a reopen and refuses a second process-level opener while open', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dash-db-'));
    const dataDir = path.join(dir, 'db');
    try {
      const first = await openDatabase({ driver: 'pglite', dataDir });
      assert.deepEqual(first.applied, Object.keys(MIGRATIONS));
      await first.db.insertInto('users').values({ id: 'u1', name: 'Ada', email: 'ada@example.com' }).execute();
      await first.close();
      // Another process holding the directory: a lock file naming a live pid (our parent's).

      fs.writeFileSync(`${dataDir}.lock`, String(process.ppid));
      await assert.rejects(openDatabase({ driver: 'pglite', dataDir }), DatabaseInUseError);
      fs.rmSync(`${dataDir}.lock`);

      const again = await openDatabase({ driver: 'pglite', dataDir });
      assert.deepEqual(again.applied, [], 'an up-to-date schema applies nothing');
      const users = await again.db.selectFrom('users').select(['id', 'role', 'disabled']).execute();
      assert.deepEqual(users, [{ id: 'u1', role: 'viewer', disabled: false }]);
      await again.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs on a thread of its own: an error keeps PostgreSQL's code and fields, and a closed database refuses queries", async () => {
    const database = await openDatabase({ driver: 'pglite', dataDir: 'memory://' });
    const engine = database.pglite!;
    await database.db.insertInto('users').values({ id: 'u1', name: 'Ada', email: 'ada@example.com' }).execute();
    const duplicate = await database.db
      .insertInto('users')
      .values({ id: 'u1', name: 'Ada again', email: 'ada2@example.com' })
      .execute()
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    assert.ok(duplicate instanceof Error, 'a duplicate key is refused');
    assert.match(duplicate.message, /duplicate key value/);
    assert.equal((duplicate as Error & { code?: string }).code, '23505');
    assert.equal((duplicate as Error & { constraint?: string }).constraint, 'users_pkey');
    // Statements in flight together still run one at a time, in order, on the one connection.
    const rows = await Promise.all([1, 2, 3].map((n) => engine.query<{ n: number }>('select $1::int as n', [n])));
    assert.deepEqual(
      rows.map((r) => r.rows[0]!.n),
      [1, 2, 3],
    );
    await database.close();
    await assert.rejects(engine.query('select 1'), /closed/);
  });
});

for (const driver of testDrivers) {
  describe(`schema on ${driver.name}`, () => {
    let database: Database;
    before(async () => {
      database = await driver.open();
    });
    after(() => database?.close());

    it('applies every migration once, in order', async () => {
      const { rows } = await sql<{ name: string }>`select name from schema_migrations order by timestamp, name`.execute(
        database.db,
      );
      assert.deepEqual(
        rows.map((r) => r.name),
        Object.keys(MIGRATIONS),
      );
      assert.deepEqual(await migrate(database.db), []);
    });

    it('refuses to update, delete or truncate an audit event', async () => {
      const db = database.db;
      const { id } = await db
        .insertInto('audit_events')
        .values({ action: 'test.append', outcome: 'success', details: '{}' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await assert.rejects(
        sql`update audit_events set action = 'rewritten' where id = ${id}`.execute(db),
        /append-only: UPDATE refused/,
      );
      await assert.rejects(sql`delete from audit_events where id = ${id}`.execute(db), /append-only: DELETE refused/);
      await assert.rejects(sql`truncate audit_events`.execute(db), /append-only: TRUNCATE refused/);
      const row = await db.selectFrom('audit_events').select('action').where('id', '=', id).executeTakeFirst();
      assert.equal(row?.action, 'test.append');
    });

    it('refuses a role outside viewer, operator, admin', async () => {
      await assert.rejects(
        database.db
          .insertInto('users')
          .values({ id: 'r1', name: 'R', email: 'r@example.com', role: 'root' as never })
          .execute(),
        /check constraint/,
      );
    });

    it('reads timestamps as Date, jsonb as objects and text[] as arrays', async () => {
      const at = new Date('2024-05-06T07:08:09.123Z');
      await database.db
        .insertInto('audit_events')
        .values({ at, action: 'test.types', outcome: 'success', details: JSON.stringify({ a: [1, 'b'] }) })
        .execute();
      const row = await database.db
        .selectFrom('audit_events')
        .select(['at', 'details', 'resources', 'id'])
        .where('action', '=', 'test.types')
        .executeTakeFirstOrThrow();
      assert.ok(row.at instanceof Date);
      assert.equal(row.at.toISOString(), at.toISOString());
      assert.deepEqual(row.details, { a: [1, 'b'] });
      assert.deepEqual(row.resources, []);
    });
  });
}
