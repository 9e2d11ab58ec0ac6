import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/** What the dialect needs of an embedded database: PGlite's own `query` (lib/db/pglite-worker.ts has it). */
export interface PGliteQueryable {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
}

/**
 * A Kysely dialect for PGlite (none is published for Kysely 0.28 that we could install), on its worker thread
 * (lib/db/pglite-worker.ts). PGlite is one PostgreSQL backend: one session, so one connection. The driver hands
 * that connection to one caller at a time (a transaction keeps it until COMMIT), through a lock shared by every
 * Kysely instance on the same database, so two instances cannot interleave statements inside each other's
 * transactions.
 *
 * So, as with a pool of one on a server: inside a transaction, query through the transaction object only; a
 * query on the root Kysely instance there would wait for the transaction that waits for it.
 */
class Lock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => next);
    return ready;
  }
}

const locks = new WeakMap<PGliteQueryable, Lock>();
const lockFor = (pg: PGliteQueryable) => {
  let lock = locks.get(pg);
  if (!lock) locks.set(pg, (lock = new Lock()));
  return lock;
};

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pg: PGliteQueryable) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.pg.query<R>(compiled.sql, [...compiled.parameters]);
    return {
      rows: result.rows ?? [],
      ...(result.affectedRows !== undefined ? { numAffectedRows: BigInt(result.affectedRows) } : {}),
    };
  }

  // biome-ignore lint/correctness/useYield: streaming is not supported; the error says so.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite: streaming queries are not supported; page with keyset queries instead.');
  }
}

class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection;
  private readonly releases = new WeakMap<DatabaseConnection, () => void>();

  constructor(private readonly pg: PGliteQueryable) {
    this.connection = new PGliteConnection(pg);
  }

  async init(): Promise<void> {
    // PGliteWorker.open resolves once the database is ready.
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // A wait this long is almost always the self-deadlock described above: say so instead of hanging silently.
    const warn = setTimeout(() => {
      console.warn(
        new Error(
          'PGlite: a query has waited 10 s for the connection. Is it a query on the root Kysely instance inside a ' +
            'transaction (or a better-auth hook that awaits one inside better-auth’s transaction)?',
        ).stack,
      );
    }, 10_000);
    warn.unref();
    const release = await lockFor(this.pg)
      .acquire()
      .finally(() => clearTimeout(warn));
    // One connection object per acquisition so a release matches its own acquisition.
    const conn = Object.create(this.connection) as PGliteConnection;
    this.releases.set(conn, release);
    return conn;
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let statement = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      statement = 'start transaction';
      if (settings.isolationLevel) statement += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) statement += ` ${settings.accessMode}`;
    }
    await conn.executeQuery(CompiledQuery.raw(statement));
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(conn: DatabaseConnection, name: string): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw(`savepoint "${name.replaceAll('"', '""')}"`));
  }

  async rollbackToSavepoint(conn: DatabaseConnection, name: string): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw(`rollback to savepoint "${name.replaceAll('"', '""')}"`));
  }

  async releaseSavepoint(conn: DatabaseConnection, name: string): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw(`release savepoint "${name.replaceAll('"', '""')}"`));
  }

  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    this.releases.get(conn)?.();
    this.releases.delete(conn);
  }

  async destroy(): Promise<void> {
    // The PGlite instance belongs to whoever opened it (lib/db/database.ts closes it).
  }
}

export class PGliteDialect implements Dialect {
  constructor(private readonly pg: PGliteQueryable) {}

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.pg);
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's own dialects take Kysely<any> here.
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}
