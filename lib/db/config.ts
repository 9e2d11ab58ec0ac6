import path from 'node:path';

/**
 * Where the dashboard keeps its own state: embedded PGlite (PostgreSQL compiled to WebAssembly, no server) under
 * `DASHBOARD_DATA_DIR` by default, or a PostgreSQL server when `DATABASE_URL=postgres://...` is set (RDS,
 * Aurora, any PostgreSQL 13+). Both run the same schema and the same queries.
 */
export type DatabaseConfig =
  | {
      driver: 'pglite';
      /** A directory (created when missing), or `memory://` for a throwaway database (tests). */
      dataDir: string;
    }
  | {
      driver: 'postgres';
      /** `postgres://user:password@host:port/database` (node-postgres connection string, `?sslmode=` honoured). */
      url: string;
      /** Connections in this instance's pool. */
      poolSize?: number;
    };

export class DatabaseConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** The PGlite data directory: `<DASHBOARD_DATA_DIR or .data/dashboard>/db`. */
export function pgliteDataDir(env: Env = process.env): string {
  return path.join(path.resolve(/*turbopackIgnore: true*/ env.DASHBOARD_DATA_DIR || '.data/dashboard'), 'db');
}

export function databaseConfigFromEnv(env: Env = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (!url) return { driver: 'pglite', dataDir: pgliteDataDir(env) };
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new DatabaseConfigError(
      'DATABASE_URL must be a PostgreSQL connection string (postgres://user:password@host:5432/database); unset it to use the embedded database.',
    );
  }
  const poolSize = env.DATABASE_POOL_SIZE ? Number(env.DATABASE_POOL_SIZE) : undefined;
  if (poolSize !== undefined && !(Number.isInteger(poolSize) && poolSize > 0)) {
    throw new DatabaseConfigError('DATABASE_POOL_SIZE must be a positive whole number.');
  }
  return { driver: 'postgres', url, ...(poolSize ? { poolSize } : {}) };
}

/** The connection string without its password, for logs and the settings page. */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.driver === 'pglite') return `embedded PGlite at ${config.dataDir}`;
  try {
    const u = new URL(config.url);
    if (u.password) u.password = '***';
    return `PostgreSQL at ${u.toString()}`;
  } catch {
    return 'PostgreSQL (unparsable DATABASE_URL)';
  }
}
