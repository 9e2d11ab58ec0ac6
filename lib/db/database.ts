import fs from 'node:fs';
import path from 'node:path';

import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';

import type { DatabaseConfig } from './config';
import { EmbeddedMaintenance } from './embedded-maintenance';
import { migrationProvider } from './migrations';
import { PGliteDialect } from './pglite-dialect';
import { PGliteWorker } from './pglite-worker';
import type { DatabaseSchema } from './schema';

/**
 * Opens the dashboard's database and brings its schema up to date before anything uses it.
 * One `Database` per process (the server keeps it on globalThis); `close()` ends the pool or PGlite.
 */
export interface Database {
  db: Kysely<DatabaseSchema>;
  driver: DatabaseConfig['driver'];
  /** Names of the migrations this open applied (empty when the schema was current). */
  applied: string[];
  /** The embedded engine on its thread (pglite driver only), e.g. to put a second Kysely on the same database. */
  pglite?: PGliteWorker;
  close(): Promise<void>;
}

export class MigrationError extends Error {
  constructor(name: string | undefined, cause: unknown) {
    super(
      `The database schema could not be brought up to date${name ? ` (migration ${name})` : ''}: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.name = 'MigrationError';
  }
}

export class DatabaseInUseError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database at ${dir} is open in another process (pid ${pid}). PGlite serves one process: ` +
        'stop that one, or set DATABASE_URL to a PostgreSQL server to run several dashboard instances.',
    );
    this.name = 'DatabaseInUseError';
  }
}

export const MIGRATION_TABLE = 'schema_migrations';

export async function migrate(db: Kysely<DatabaseSchema>): Promise<string[]> {
  const migrator = new Migrator({
    // biome-ignore lint/suspicious/noExplicitAny: the migrator works on untyped tables.
    db: db as Kysely<any>,
    provider: migrationProvider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) throw new MigrationError(results.find((r) => r.status === 'Error')?.migrationName, error);
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A lock file beside the data directory holding the opener's pid: two processes writing one PGlite directory
 * would corrupt it. A lock left by a process that died (SIGKILL) is taken over.
 */
function lockDataDir(dir: string): () => void {
  const file = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && alive(pid)) throw new DatabaseInUseError(dir, pid);
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${dir}.`);
}

interface Opened {
  db: Kysely<DatabaseSchema>;
  pglite?: PGliteWorker;
  close: () => Promise<void>;
}

async function openPGlite(dataDir: string): Promise<Opened> {
  const memory = dataDir.startsWith('memory://');
  let unlock = () => {};
  if (!memory) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o700 });
    unlock = lockDataDir(dataDir);
  }
  try {
    return wrapPGlite(await PGliteWorker.open({ dataDir }), unlock);
  } catch (err) {
    unlock();
    throw err;
  }
}

function wrapPGlite(pglite: PGliteWorker, onClose: () => void = () => {}): Opened {
  const db = new Kysely<DatabaseSchema>({ dialect: new PGliteDialect(pglite) });
  // No autovacuum in PGlite's single-user PostgreSQL: the embedded database vacuums itself now and then.
  const maintenance = new EmbeddedMaintenance(db).schedule();
  return {
    db,
    pglite,
    close: async () => {
      await maintenance.stop();
      await db.destroy();
      await pglite.close();
      onClose();
    },
  };
}

function openPostgres(url: string, poolSize = 10): Opened {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  return { db, close: () => db.destroy() };
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  const opened =
    config.driver === 'pglite' ? await openPGlite(config.dataDir) : openPostgres(config.url, config.poolSize);
  return migrated(opened, config.driver);
}

/** A Database on a PGlite instance made elsewhere (a test's copy of a template); closing it closes the instance. */
export function openPGliteDatabase(pglite: PGliteWorker): Promise<Database> {
  return migrated(wrapPGlite(pglite), 'pglite');
}

async function migrated({ db, pglite, close }: Opened, driver: Database['driver']): Promise<Database> {
  try {
    const applied = await migrate(db);
    return { db, driver, applied, close, ...(pglite ? { pglite } : {}) };
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
}
