import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';

/**
 * A real PostgreSQL server for tests and benches, started here and stopped afterwards: `initdb` into a fresh
 * temporary directory, `pg_ctl start` on a free loopback port with its unix socket inside that directory.
 * PostgreSQL refuses to run as root, so when this process is root (CI containers) both run as `nobody`
 * through `runuser`, in a directory handed to that user. The binaries come from Debian's `postgresql`
 * package (`/usr/lib/postgresql/<version>/bin`) or `PG_BIN_DIR`.
 */
export interface PostgresServer {
  port: number;
  /** Connection string for a database on this server (default `postgres`). */
  url(database?: string): string;
  /** Creates an empty database and returns its connection string. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

export class PostgresNotInstalledError extends Error {
  constructor() {
    super(
      'PostgreSQL server binaries (initdb, pg_ctl) were not found: install Debian\'s "postgresql" package ' +
        '(apt-get install postgresql) or set PG_BIN_DIR to the directory holding them.',
    );
    this.name = 'PostgresNotInstalledError';
  }
}

export function findPostgresBinDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  const has = (dir: string) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'));
  if (env.PG_BIN_DIR) return has(env.PG_BIN_DIR) ? env.PG_BIN_DIR : undefined;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions) if (has(path.join(root, v, 'bin'))) return path.join(root, v, 'bin');
  const fromPath = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = fromPath.status === 0 ? fromPath.stdout.trim() : '';
  return dir && has(dir) ? dir : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** The command line, as the unprivileged user when we are root. */
function asServerUser(cmd: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'nobody', '--', cmd, ...args]] : [cmd, args];
}

function check(result: SpawnSyncReturns<string>, what: string) {
  if (result.status !== 0) {
    throw new Error(
      `${what} failed (${result.status ?? result.signal}): ${(result.stderr || result.stdout || '').trim()}`,
    );
  }
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const [c, a] = asServerUser(cmd, args);
  return new Promise((resolve, reject) => {
    const child = spawn(c, a, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

export interface StartOptions {
  /**
   * Keep PostgreSQL's durability (fsync, synchronous commit) as a deployment would: for benches. Tests turn it
   * off, which changes nothing they assert and saves seconds.
   */
  durable?: boolean;
}

export async function startPostgresServer(opts: StartOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBinDir();
  if (!bin) throw new PostgresNotInstalledError();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-pg-'));
  const data = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  fs.mkdirSync(socketDir);
  if (isRoot()) check(spawnSync('chown', ['-R', 'nobody:', dir], { encoding: 'utf8' }), 'chown');

  const initdb = await run(
    path.join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
    dir,
  );
  if (initdb.code !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${initdb.output.trim()}`);
  }

  const pgCtl = path.join(bin, 'pg_ctl');
  const stopSync = () => {
    const [c, a] = asServerUser(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
    spawnSync(c, a, { cwd: dir, stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // A test process that ends without calling stop() (a crash, a failed before hook) leaves no server behind.
  process.once('exit', stopSync);

  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    const settings = [
      `-p ${port}`,
      '-h 127.0.0.1',
      `-k ${socketDir}`,
      '-c max_connections=50',
      ...(opts.durable ? [] : ['-F', '-c synchronous_commit=off', '-c full_page_writes=off']),
    ].join(' ');
    const started = await run(
      pgCtl,
      ['-D', data, '-l', path.join(dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start'],
      dir,
    );
    if (started.code === 0) break;
    // Another process may have taken the port between our probe and the server's bind: try another.
    if (attempt >= 3) {
      const log = fs.existsSync(path.join(dir, 'server.log'))
        ? fs.readFileSync(path.join(dir, 'server.log'), 'utf8')
        : '';
      process.removeListener('exit', stopSync);
      stopSync();
      throw new Error(`pg_ctl start failed: ${started.output.trim()}\n${log.slice(-2000)}`);
    }
  }

  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let created = 0;
  return {
    port,
    url,
    async createDatabase(name = `test_${process.pid}_${++created}`) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`create database "${name.replaceAll('"', '""')}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      process.removeListener('exit', stopSync);
      const stopped = await run(pgCtl, ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop'], dir);
      if (stopped.code !== 0) stopSync();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
