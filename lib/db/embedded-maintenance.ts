import { type Kysely, sql } from 'kysely';

import type { DatabaseSchema } from './schema';

/**
 * A PostgreSQL server reclaims the space of updated and deleted rows, and refreshes the planner's statistics,
 * by itself (autovacuum). PGlite runs PostgreSQL in single-user mode, where autovacuum never runs: every bulk
 * device update, lease renewal and session refresh would leave its old row version behind for good (a table of
 * 2,000 rows rewritten 30 times grew from 1.2 MB to 34 MB; with a VACUUM after every third rewrite it stayed under
 * 5 MB), and the planner would never learn how big the audit trail has grown. So the embedded database is
 * maintained every ten minutes while it is open, holding PGlite's one connection meanwhile:
 * - VACUUM, which skips the pages that have no dead rows (14 ms on a database of 100,000 audit events);
 * - ANALYZE of the tables whose row count moved by more than 50 rows and a tenth since this process last analysed
 *   them: autovacuum's threshold, applied to the count VACUUM has just taken (autovacuum counts rows changed, which
 *   single-user PostgreSQL reports only when asked to flush its statistics). ANALYZE samples up to 30,000 rows a
 *   table: 350 ms for those 100,000 events, too long a pause to take every time.
 */
export const MAINTENANCE_INTERVAL_MS = 10 * 60_000;

export class EmbeddedMaintenance {
  /** Each table's row count when this process last analysed it. */
  private readonly analysedAt = new Map<string, number>();

  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  /** One round: VACUUM everything, then ANALYZE what changed enough. Returns the tables analysed. */
  async run(): Promise<string[]> {
    await sql`vacuum`.execute(this.db);
    // VACUUM has just counted each table's live rows (reltuples).
    const { rows } = await sql<{ name: string; rows: number }>`
      select relname as name, greatest(reltuples, 0)::float8 as rows from pg_class
      where relkind = 'r' and relnamespace = 'public'::regnamespace`.execute(this.db);
    const analysed: string[] = [];
    for (const table of rows) {
      const before = this.analysedAt.get(table.name);
      if (before !== undefined && Math.abs(table.rows - before) <= 50 + before / 10) continue;
      await sql`analyze ${sql.table(table.name)}`.execute(this.db);
      this.analysedAt.set(table.name, table.rows);
      analysed.push(table.name);
    }
    return analysed;
  }

  /**
   * Runs every `intervalMs` (never two at once; the timer does not keep the process alive). `stop()` ends the
   * schedule and resolves once a round in progress has finished, so the database can close.
   */
  schedule(opts: { intervalMs?: number; onError?: (err: unknown) => void } = {}): { stop: () => Promise<void> } {
    let running: Promise<unknown> | undefined;
    const onError =
      opts.onError ??
      ((err: unknown) =>
        console.warn(`embedded database: maintenance failed (${err instanceof Error ? err.message : String(err)})`));
    const timer = setInterval(() => {
      running ??= this.run()
        .catch(onError)
        .finally(() => {
          running = undefined;
        });
    }, opts.intervalMs ?? MAINTENANCE_INTERVAL_MS);
    timer.unref();
    return {
      async stop() {
        clearInterval(timer);
        await running;
      },
    };
  }
}
