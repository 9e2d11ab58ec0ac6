import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { type Kysely, sql } from 'kysely';

import { type Database, openDatabase } from './database';
import { EmbeddedMaintenance } from './embedded-maintenance';
import type { DatabaseSchema } from './schema';

type Db = Kysely<DatabaseSchema>;

const sizeOf = async (db: Db, table: string) =>
  Number((await sql<{ bytes: string }>`select pg_total_relation_size(${table}) as bytes`.execute(db)).rows[0]!.bytes);

/** Every row of the table rewritten `times` times (a new row version each, as a bulk device's progress is). */
const rewriteAll = async (db: Db, table: string, times: number) => {
  for (let i = 0; i < times; i++) await sql`update ${sql.table(table)} set status = ${String(i)}`.execute(db);
};

const addRows = (db: Db, table: string, from: number, to: number) =>
  sql`insert into ${sql.table(table)} select g, 'new', repeat('x', 500) from generate_series(${from}::int, ${to}::int) g`.execute(
    db,
  );

const statsOf = async (db: Db, table: string) =>
  (
    await sql<{ vacuumed: Date | null; analysed: Date | null }>`
      select last_vacuum as vacuumed, last_analyze as analysed from pg_stat_user_tables where relname = ${table}`.execute(
      db,
    )
  ).rows[0]!;

describe('embedded database maintenance (PGlite has no autovacuum)', () => {
  let database: Database;
  before(async () => {
    database = await openDatabase({ driver: 'pglite', dataDir: 'memory://' });
    for (const table of ['rewritten', 'growing', 'scheduled']) {
      await sql`create table ${sql.table(table)} (id int primary key, status text not null, body text not null)`.execute(
        database.db,
      );
      await addRows(database.db, table, 1, 2000);
    }
  });
  after(() => database?.close());

  it('lets rewritten rows reuse the space of their old versions, which PGlite never reclaims by itself', async () => {
    const db = database.db;
    const initial = await sizeOf(db, 'rewritten');
    await rewriteAll(db, 'rewritten', 3);
    const bloated = await sizeOf(db, 'rewritten');
    assert.ok(bloated > initial * 2.5, `three rewrites keep every old version (${initial} -> ${bloated} bytes)`);

    await new EmbeddedMaintenance(db).run();
    await rewriteAll(db, 'rewritten', 3);
    const after = await sizeOf(db, 'rewritten');
    assert.ok(after < bloated * 1.2, `after it, three more rewrites fit in the space freed (${bloated} -> ${after})`);
  });

  it('analyses a table the first time, then again only once its row count has moved by a tenth', async () => {
    const db = database.db;
    const maintenance = new EmbeddedMaintenance(db);
    assert.ok((await maintenance.run()).includes('growing'), 'first round: every table');
    const first = await statsOf(db, 'growing');
    assert.ok(first.analysed);

    await addRows(db, 'growing', 2001, 2100); // 5%
    assert.ok(!(await maintenance.run()).includes('growing'), 'a 5% change is not analysed');
    assert.deepEqual((await statsOf(db, 'growing')).analysed, first.analysed);

    await addRows(db, 'growing', 2101, 2400); // 20% over the last analysis
    assert.ok((await maintenance.run()).includes('growing'), 'a 20% change is');
    assert.ok((await statsOf(db, 'growing')).analysed! > first.analysed);
  });

  it('runs on its schedule, and not after it is stopped', async () => {
    const db = database.db;
    // The tests above vacuumed every table: a scheduled round shows as a later last_vacuum.
    const before = (await statsOf(db, 'scheduled')).vacuumed?.getTime() ?? 0;
    const failures: unknown[] = [];
    const schedule = new EmbeddedMaintenance(db).schedule({ intervalMs: 25, onError: (err) => failures.push(err) });
    let ran = false;
    for (let i = 0; i < 200 && !ran; i++) {
      await new Promise((r) => setTimeout(r, 25));
      ran = ((await statsOf(db, 'scheduled')).vacuumed?.getTime() ?? 0) > before;
    }
    await schedule.stop();
    assert.ok(ran, 'a scheduled round ran');
    const stoppedAt = (await statsOf(db, 'scheduled')).vacuumed;
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual((await statsOf(db, 'scheduled')).vacuumed, stoppedAt, 'no round after stop()');
    assert.deepEqual(failures, []);
  });
});
