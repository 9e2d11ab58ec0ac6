import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import type { PGliteQueryable } from './pglite-dialect';

/** How many statements the worker keeps prepared (a few dozen shapes of statement make up the dashboard's work). */
const MAX_PREPARED = 200;

/**
 * What a statement starts with to be planned once for any parameters, on PGlite (a comment to PostgreSQL): for a
 * statement run often whose best plan does not depend on its parameters' values.
 */
export const GENERIC_PLAN = '/* generic plan */';

/**
 * Embedded PGlite on a worker thread of its own. PGlite is PostgreSQL compiled to WebAssembly, and every
 * statement runs synchronously on the thread that owns it; on the dashboard's main thread each commit of a bulk
 * job held up the job's AWS calls (about a sixth of that thread's time in a 300-device job). Here the main thread
 * only sends the statement and its parameters and receives the rows; PostgreSQL works on another core meanwhile.
 *
 * The worker's source is inline (no file of its own for a bundler to find): it loads PGlite's CommonJS build from
 * the project's node_modules (next.config.mjs keeps PGlite external, so it is there at run time too).
 *
 * Each statement is prepared once, by name, and later runs bind to it: PGlite's own `query` parses every
 * statement every time, in six calls into PostgreSQL (Parse, Describe, Bind, Describe, Execute, Sync); here a
 * prepared statement runs in one (Bind, Describe, Execute, Sync). The parameters are serialised by the types
 * PostgreSQL gave for them, and the rows parsed, with PGlite's own serialisers and parsers, as `query` does.
 * Plans are still made for each run's parameters (`plan_cache_mode`), as `query`'s were and as on a PostgreSQL
 * server through node-postgres: PostgreSQL's generic plan, made once for any parameters, read a thing's audit
 * history in 45 ms instead of 4 (it walked the newest events instead of the index of resources). A statement
 * that starts with {@link GENERIC_PLAN} is planned once: a bulk job's progress write took 1.5 ms through `query`,
 * 1.25 ms prepared and planned each time, and 0.95 ms planned once. The statements prepared are bounded (the
 * {@link MAX_PREPARED} used last); PostgreSQL prepares one again itself when a table it reads changes.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite, protocol, parse } = require(workerData.modulePath);
const wire = protocol.serialize;
const frame = (messages) => {
  const out = new Uint8Array(messages.reduce((n, m) => n + m.length, 0));
  let at = 0;
  for (const m of messages) {
    out.set(m, at);
    at += m.length;
  }
  return out;
};
const describe = (err) => {
  const out = { name: err && err.name, message: String((err && err.message) || err) };
  for (const [k, v] of Object.entries(err || {}))
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
  return out;
};
(async () => {
  let pg;
  try {
    const load = workerData.loadDataDir ? { loadDataDir: new Blob([workerData.loadDataDir]) } : {};
    pg = await PGlite.create(workerData.dataDir, load);
    await pg.exec('set plan_cache_mode = force_custom_plan');
  } catch (err) {
    parentPort.postMessage({ ready: false, error: describe(err) });
    return;
  }
  // SQL text -> { name, parameterTypes }, least recently used first.
  const prepared = new Map();
  let statements = 0;
  // The session's transaction status from its last ReadyForQuery: 'I' idle, 'T' in a transaction, 'E' in a failed one.
  let status = 'I';
  const run = async (messages) => {
    const before = status;
    try {
      const result = await pg.execProtocol(frame(messages));
      for (const m of result.messages) if (m.name === 'readyForQuery') status = m.status;
      return result.messages;
    } catch (err) {
      status = before === 'I' ? 'I' : 'E';
      throw err;
    }
  };
  const forget = async (sql) => {
    const statement = prepared.get(sql);
    if (!statement) return;
    prepared.delete(sql);
    await run([wire.close({ type: 'S', name: statement.name }), wire.sync()]).catch(() => {});
  };
  const prepare = async (sql) => {
    const known = prepared.get(sql);
    if (known) {
      prepared.delete(sql);
      prepared.set(sql, known);
      return known;
    }
    const messages = [];
    if (prepared.size >= ${MAX_PREPARED}) {
      const [oldest, { name }] = prepared.entries().next().value;
      prepared.delete(oldest);
      messages.push(wire.close({ type: 'S', name }));
    }
    const name = 's' + ++statements;
    messages.push(wire.parse({ name, text: sql }), wire.describe({ type: 'S', name }), wire.sync());
    const statement = { name, parameterTypes: parse.parseDescribeStatementResults(await run(messages)) };
    prepared.set(sql, statement);
    return statement;
  };
  const execute = async (sql, params) => {
    const { name, parameterTypes } = await prepare(sql);
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serialize = pg.serializers[parameterTypes[i]];
      return serialize ? serialize(value) : value.toString();
    });
    const statement = [wire.bind({ statement: name, values }), wire.describe({ type: 'P' }), wire.execute({})];
    if (!sql.startsWith(${JSON.stringify(GENERIC_PLAN)})) {
      return parse.parseResults(await run([...statement, wire.sync()]), pg.parsers)[0];
    }
    // Planned once for any parameters: the plan mode is switched around it, in the same call (if the statement
    // fails, its transaction's end undoes the switch, as it does any SET).
    const generic = await prepare('set plan_cache_mode = force_generic_plan');
    const custom = await prepare('set plan_cache_mode = force_custom_plan');
    const messages = await run([
      wire.bind({ statement: generic.name }),
      wire.execute({}),
      ...statement,
      wire.bind({ statement: custom.name }),
      wire.execute({}),
      wire.sync(),
    ]);
    return parse.parseResults(messages, pg.parsers)[1];
  };
  const query = (sql, params) =>
    pg._runExclusiveQuery(async () => {
      const idle = status === 'I';
      try {
        return await execute(sql, params);
      } catch (err) {
        // A table the statement reads changed its columns since it was prepared: prepared again, it reads the new
        // ones. Run again only outside a transaction (inside one, the error has failed the transaction).
        if (!err || err.code !== '0A000' || !prepared.has(sql)) throw err;
        await forget(sql);
        if (!idle) throw err;
        return await execute(sql, params);
      }
    });
  parentPort.postMessage({ ready: true });
  parentPort.on('message', async ({ id, op, sql, params }) => {
    try {
      let result = null;
      if (op === 'query') {
        const r = await query(sql, params);
        result = { rows: r.rows, affectedRows: r.affectedRows };
      } else if (op === 'dump') {
        result = await (await pg.dumpDataDir('none')).arrayBuffer();
      } else if (op === 'close') {
        await pg.close();
      }
      parentPort.postMessage({ id, ok: true, result });
    } catch (err) {
      parentPort.postMessage({ id, ok: false, error: describe(err) });
    }
  });
})();
`;

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: SerializedError };
type SerializedError = { name?: string; message: string } & Record<string, unknown>;

/** An error from the worker as the caller would have had it in-process (message, name, and PostgreSQL's fields). */
function revive(e: SerializedError): Error {
  const err = new Error(e.message);
  Object.assign(err, e);
  return err;
}

export class PGliteWorker implements PGliteQueryable {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private stopped: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      const call = this.pending.get(reply.id);
      if (!call) return;
      this.pending.delete(reply.id);
      // An idle database must not keep the process alive (as in-process PGlite did not); a pending call does.
      if (!this.pending.size) worker.unref();
      if (reply.ok) call.resolve(reply.result);
      else call.reject(revive(reply.error));
    });
    const stop = (err: Error) => {
      this.stopped ??= err;
      for (const call of this.pending.values()) call.reject(this.stopped);
      this.pending.clear();
    };
    worker.on('error', (err) => stop(new Error(`The embedded database stopped: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => stop(new Error(`The embedded database stopped (its thread exited with ${code}).`)));
  }

  /** Opens (or creates) the database in `dataDir` (`memory://` for a throwaway one), optionally from a dump. */
  static async open(opts: { dataDir: string; loadDataDir?: Blob }): Promise<PGliteWorker> {
    const loadDataDir = opts.loadDataDir ? await opts.loadDataDir.arrayBuffer() : undefined;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { modulePath: pgliteModulePath(), dataDir: opts.dataDir, loadDataDir },
      transferList: loadDataDir ? [loadDataDir] : [],
    });
    let settle: { resolve: () => void; reject: (err: unknown) => void } | undefined;
    const onMessage = (m: { ready: boolean; error?: SerializedError }) =>
      m.ready ? settle?.resolve() : settle?.reject(revive(m.error!));
    const onError = (err: Error) => settle?.reject(err);
    const onExit = (code: number) => settle?.reject(new Error(`The embedded database's thread exited with ${code}.`));
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    try {
      await new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    } catch (err) {
      await holdingTheEventLoop(worker.terminate());
      throw err;
    } finally {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    }
    worker.unref();
    return new PGliteWorker(worker);
  }

  private call<T>(message: Record<string, unknown>): Promise<T> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    if (!this.pending.size) this.worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, ...message });
    });
  }

  query<R>(sql: string, params: unknown[] = []): Promise<{ rows: R[]; affectedRows?: number }> {
    return this.call({ op: 'query', sql, params });
  }

  /** The whole database as a tarball PGlite can open again (`loadDataDir`), uncompressed. */
  async dumpDataDir(): Promise<Blob> {
    return new Blob([await this.call<ArrayBuffer>({ op: 'dump' })]);
  }

  /** Closes the database (PGlite writes its last pages) and ends the thread. */
  async close(): Promise<void> {
    if (!this.stopped) await this.call({ op: 'close' });
    this.stopped ??= new Error('The embedded database is closed.');
    await holdingTheEventLoop(this.worker.terminate());
  }
}

/**
 * Awaits `promise` with a timer keeping the event loop alive meanwhile. The thread of a database that has run a
 * while takes up to 300 ms to stop, and although terminate() refs the worker, on Node 20 under load the event
 * loop was seen to empty before the thread's exit arrived: the caller's await was dropped unsettled (node:test
 * reports "Promise resolution is still pending but the event loop has already resolved"). Three copies at once of
 * a test file whose last step is closing the database failed so in 8 of 60 runs; with the timer, in 0 of 48.
 */
async function holdingTheEventLoop<T>(promise: Promise<T>): Promise<T> {
  const hold = setInterval(() => {}, 60_000);
  try {
    return await promise;
  } finally {
    clearInterval(hold);
  }
}

/** PGlite's CommonJS entry in the project's node_modules. */
function pgliteModulePath(): string {
  return createRequire(path.join(process.cwd(), 'package.json')).resolve('@electric-sql/pglite');
}
