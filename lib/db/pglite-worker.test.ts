import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { GENERIC_PLAN, PGliteWorker } from './pglite-worker';

describe('embedded PGlite on its worker thread, statements prepared once', () => {
  let pg: PGliteWorker;
  before(async () => {
    pg = await PGliteWorker.open({ dataDir: 'memory://' });
  });
  after(async () => {
    await pg?.close();
  });

  it('passes parameters and returns rows in the types PGlite gives them', async () => {
    const at = new Date(Date.UTC(2024, 1, 3, 4, 5, 6, 789));
    for (let run = 0; run < 2; run++) {
      const { rows } = await pg.query<Record<string, unknown>>(
        'select $1::timestamptz as at, $2::boolean as yes, $3::jsonb as doc, $4::bytea as raw, $5::text[] as list, $6::int as n, $7::text as missing',
        [at, true, { a: [1, 'x'] }, new Uint8Array([0, 255]), ['a', 'b"c', null], 42, null],
      );
      assert.deepEqual(rows, [
        {
          at,
          yes: true,
          doc: { a: [1, 'x'] },
          raw: new Uint8Array([0, 255]),
          list: ['a', 'b"c', null],
          n: 42,
          missing: null,
        },
      ]);
    }
    await pg.query('create table counted (id int primary key)');
    const inserted = await pg.query('insert into counted select generate_series(1, $1::int)', [3]);
    assert.equal(inserted.affectedRows, 3);
  });

  it('a statement prepared before its table gained a column reads the new column', async () => {
    await pg.query('create table widened (id int primary key, a text)');
    await pg.query('insert into widened values ($1, $2)', [1, 'x']);
    const read = 'select * from widened where id = $1';
    assert.deepEqual((await pg.query(read, [1])).rows, [{ id: 1, a: 'x' }]);
    await pg.query('alter table widened add column b text');
    assert.deepEqual((await pg.query(read, [1])).rows, [{ id: 1, a: 'x', b: null }]);

    // Inside a transaction the change fails that transaction, as on a PostgreSQL server; after it, the read works.
    await pg.query('alter table widened add column c text');
    await pg.query('begin');
    await assert.rejects(pg.query(read, [1]), { code: '0A000' });
    await pg.query('rollback');
    assert.deepEqual((await pg.query(read, [1])).rows, [{ id: 1, a: 'x', b: null, c: null }]);
  });

  it('answers every statement when more of them were used than it keeps prepared', async () => {
    const distinct = 260;
    for (let k = 0; k < distinct; k++) {
      const { rows } = await pg.query<{ v: number }>(`select $1::int + ${k} as v`, [1]);
      assert.equal(rows[0]!.v, 1 + k);
    }
    const again = await pg.query<{ v: number }>('select $1::int + 0 as v', [5]);
    assert.equal(again.rows[0]!.v, 5);
    // Each statement was prepared once and kept while used; the oldest were let go past the bound.
    const kept = await pg.query<{ statement: string }>(
      `select statement from pg_prepared_statements where statement like 'select $1::int + %'`,
    );
    const texts = kept.rows.map((r) => r.statement);
    assert.ok(texts.length <= 200 && texts.length >= 150, `${texts.length} kept`);
    assert.equal(new Set(texts).size, texts.length, 'no statement prepared twice');
    assert.ok(texts.includes('select $1::int + 0 as v') && texts.includes(`select $1::int + ${distinct - 1} as v`));
    assert.ok(!texts.includes('select $1::int + 1 as v'), 'the least recently used one was let go');
  });

  it("plans each run for its own parameters, as PGlite's query does (a generic plan can be far slower)", async () => {
    assert.deepEqual((await pg.query('show plan_cache_mode')).rows, [{ plan_cache_mode: 'force_custom_plan' }]);
  });

  it('a statement marked GENERIC_PLAN is planned once; the mark changes nothing for the others, even when it fails', async () => {
    await pg.query('create table planned (id int primary key, v int)');
    await pg.query('insert into planned select g, g from generate_series(1, 100) g');
    const marked = `${GENERIC_PLAN} select v from planned where id = $1`;
    const plain = 'select v from planned where id = $1 + 0';
    for (let id = 1; id <= 3; id++) {
      assert.deepEqual((await pg.query(marked, [id])).rows, [{ v: id }]);
      assert.deepEqual((await pg.query(plain, [id])).rows, [{ v: id }]);
    }
    const plans = async (statement: string) =>
      (
        await pg.query<{ generic_plans: number; custom_plans: number }>(
          'select generic_plans, custom_plans from pg_prepared_statements where statement = $1',
          [statement],
        )
      ).rows[0];
    assert.deepEqual(await plans(marked), { generic_plans: 3, custom_plans: 0 });
    assert.deepEqual(await plans(plain), { generic_plans: 0, custom_plans: 3 });

    const mode = async () =>
      (await pg.query<{ plan_cache_mode: string }>('show plan_cache_mode')).rows[0]?.plan_cache_mode;
    await assert.rejects(pg.query(`${GENERIC_PLAN} select 1 / $1::int`, [0]), { code: '22012' });
    assert.equal(await mode(), 'force_custom_plan', 'a failed marked statement leaves plans per run');
    await pg.query('begin');
    await pg.query(marked, [4]);
    assert.equal(await mode(), 'force_custom_plan', 'inside a transaction too');
    await assert.rejects(pg.query(`${GENERIC_PLAN} select 1 / $1::int`, [0]), { code: '22012' });
    await pg.query('rollback');
    assert.equal(await mode(), 'force_custom_plan');
  });

  it('a statement that does not parse fails with PostgreSQL error every time, and the next one works', async () => {
    for (let run = 0; run < 2; run++) await assert.rejects(pg.query('selec $1', [1]), { code: '42601' });
    await assert.rejects(pg.query('select $1::int', ['not a number']), { code: '22P02' });
    assert.deepEqual((await pg.query('select $1::int as n', [7])).rows, [{ n: 7 }]);
  });
});
