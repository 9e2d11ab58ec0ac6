import { after } from 'node:test';

import { Kysely } from 'kysely';

import { type Database, openDatabase, openPGliteDatabase } from '../database';
import { PGliteDialect } from '../pglite-dialect';
import { PGliteWorker } from '../pglite-worker';
import type { DatabaseSchema } from '../schema';
import { type PostgresServer, startPostgresServer } from './postgres-server';

/**
 * The two databases every data-layer test runs on:
 *
 *   for (const driver of testDrivers) describe(driver.name, () => { ... await driver.open() ... });
 *
 * `pglite`: a fresh in-memory PGlite per open, loaded from a migrated template made once per process (PGlite's
 * initdb takes seconds; loading a copy takes well under one). `postgres`: a fresh database per open on one
 * real server started on first use (lib/db/testing/postgres-server.ts) and stopped when the test file ends.
 */
export interface TestDriver {
  name: Database['driver'];
  /** A fresh, migrated, empty database. */
  open(): Promise<Database>;
  /** A second handle on the database `open()` returned last (another instance sharing it). */
  openAnother(of: Database): Promise<Database>;
}

let server: Promise<PostgresServer> | undefined;
let template: Promise<Blob> | undefined;
const urls = new WeakMap<Database, string>();

// Registered when a test file imports this module: runs once that file's tests are done.
after(async () => {
  const s = await server?.catch(() => undefined);
  await s?.stop();
});

function postgresServer(): Promise<PostgresServer> {
  server ??= startPostgresServer();
  return server;
}

function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const database = await openDatabase({ driver: 'pglite', dataDir: 'memory://' });
    try {
      return await database.pglite!.dumpDataDir();
    } finally {
      await database.close();
    }
  })();
  return template;
}

/**
 * A migrated, empty embedded database in the directory `dataDir` (for a test that opens it in another process, as
 * `npm start` would), loaded from the template: much faster than a fresh initdb.
 */
export async function pgliteInDirectory(dataDir: string): Promise<void> {
  const pglite = await PGliteWorker.open({ dataDir, loadDataDir: await pgliteTemplate() });
  await pglite.close();
}

export const testDrivers: readonly TestDriver[] = [
  {
    name: 'pglite',
    open: async () =>
      openPGliteDatabase(await PGliteWorker.open({ dataDir: 'memory://', loadDataDir: await pgliteTemplate() })),
    // PGlite lives in one process: a second "instance" is a second Kysely on the same PGlite.
    async openAnother(of) {
      if (!of.pglite) throw new Error('openAnother: not a PGlite database');
      const db = new Kysely<DatabaseSchema>({ dialect: new PGliteDialect(of.pglite) });
      return { db, driver: 'pglite', applied: [], pglite: of.pglite, close: () => db.destroy() };
    },
  },
  {
    name: 'postgres',
    async open() {
      const url = await (await postgresServer()).createDatabase();
      const database = await openDatabase({ driver: 'postgres', url, poolSize: 4 });
      urls.set(database, url);
      return database;
    },
    async openAnother(of) {
      const url = urls.get(of);
      if (!url) throw new Error('openAnother: not a database this driver opened');
      return openDatabase({ driver: 'postgres', url, poolSize: 4 });
    },
  },
];
