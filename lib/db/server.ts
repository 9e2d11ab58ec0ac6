import 'server-only';

import { databaseConfigFromEnv } from './config';
import { type Database, openDatabase } from './database';

/**
 * The dashboard server's one database, opened (and migrated) on first use from the environment
 * (DATABASE_URL, else PGlite under DASHBOARD_DATA_DIR), on globalThis so every route bundle of the Next
 * server shares it: PGlite serves one opener, and one pool per process is enough for PostgreSQL.
 */
const KEY = Symbol.for('iot-dashboard.database');

type Holder = { [KEY]?: Promise<Database> };

export function dashboardDatabase(): Promise<Database> {
  const g = globalThis as Holder;
  g[KEY] ??= openDatabase(databaseConfigFromEnv()).catch((err: unknown) => {
    delete g[KEY];
    throw err;
  });
  return g[KEY];
}

/** Closes it (server shutdown, so PGlite's lock file goes and PostgreSQL connections end cleanly). */
export async function closeDashboardDatabase(): Promise<void> {
  const g = globalThis as Holder;
  const open = g[KEY];
  delete g[KEY];
  await (await open?.catch(() => undefined))?.close();
}
