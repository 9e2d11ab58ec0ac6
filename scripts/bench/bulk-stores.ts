/**
 * Bulk job store bench: the same job (300 devices; 100 with --quick) through today's JobRunner against the
 * local IoT Core (its own process, rate limits lifted as in local mode), once per store, in one run:
 * - the journal store (lib/onboarding/bulk/store.ts, write(2) per record, the previous default);
 * - the database store (lib/db/job-store.ts) on embedded PGlite in a data directory;
 * - the database store on a real PostgreSQL server started for the run (durability on).
 * The database stores run with every AWS call waiting for the records before it to be committed
 * (flushBeforeEachCall), the guarantee the journal gives. Goal: the database no slower than 90% of the journal.
 *
 * lib/aws is server-only, so the measurement runs in a child process started under `react-server`
 * (as scripts/bench/bulk.ts does).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Figure } from './report';

const WORKER_FLAG = '--bulk-stores-bench-worker';
const ROOT = path.resolve(import.meta.dirname, '../..');

export async function benchBulkStores(opts: { quick: boolean }): Promise<Figure[]> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=react-server', import.meta.filename, WORKER_FLAG, opts.quick ? 'quick' : 'full'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const line = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('['))
    throw new Error(`bulk stores bench failed (exit ${code}): ${out.slice(-2000)}`);
  return JSON.parse(line) as Figure[];
}

async function worker(quick: boolean): Promise<Figure[]> {
  const { spawnEmulator } = await import('../../emulator/test/process');
  const { JobRunner } = await import('../../lib/onboarding/bulk/runner');
  const { JournalJobStore: JobStore } = await import('../../lib/onboarding/bulk/store');
  const { makeInputs, emulatorOps, ALLOW_ALL_POLICY } = await import('../../lib/onboarding/bulk/testing/fixtures');
  const { DEFAULT_JOB_RATES } = await import('../../lib/onboarding/bulk/types');
  const { openDatabase } = await import('../../lib/db/database');
  const { bulkJobsRepository } = await import('../../lib/db/bulk-jobs');
  const { DatabaseJobStore, flushBeforeEachCall } = await import('../../lib/db/job-store');
  const { startPostgresServer } = await import('../../lib/db/testing/postgres-server');
  type DeviceInput = import('../../lib/onboarding/bulk/types').DeviceInput;
  type Store = InstanceType<typeof JobStore>;

  const n = quick ? 100 : 300;
  const log = (s: string) => process.stderr.write(`[bench bulk-stores] ${s}\n`);
  const tmp: string[] = [];
  const mkdtemp = (prefix: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    tmp.push(dir);
    return dir;
  };
  const emu = await spawnEmulator({ IOT_EMULATOR_DATA_DIR: mkdtemp('bench-stores-emu-'), AWS_REGION: 'us-east-1' });
  const aws = emulatorOps(emu.url);
  const run = Date.now().toString(36);
  const policyName = `bench-stores-${run}`;
  const unlimited = Object.fromEntries(Object.keys(DEFAULT_JOB_RATES).map((op) => [op, 0]));

  const runJob = async (store: Store, flush: { flush(): Promise<void> } | undefined, devices: DeviceInput[]) => {
    const runner = new JobRunner({ store, aws: flush ? flushBeforeEachCall(aws, flush) : aws });
    const job = runner.createJob({
      name: 'bench',
      policyName,
      policySource: 'existing',
      total: devices.length,
      settings: { concurrency: 32, rates: unlimited },
    });
    runner.addDevices(job.id, 0, devices);
    await flush?.flush();
    const t0 = performance.now();
    runner.start(job.id);
    await runner.idle(job.id);
    await flush?.flush();
    const seconds = (performance.now() - t0) / 1000;
    const view = runner.view(job.id)!;
    if (view.counts.done !== devices.length) throw new Error(`job finished with ${JSON.stringify(view.counts)}`);
    return devices.length / seconds;
  };

  try {
    const res = await fetch(`${emu.url}/policies/${policyName}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ policyDocument: ALLOW_ALL_POLICY }),
    });
    if (!res.ok) throw new Error(`CreatePolicy: ${res.status} ${await res.text()}`);
    log(`making ${3 * n} CSRs ...`);
    const [a, b, c] = await Promise.all([
      makeInputs(`bench-journal-${run}`, n),
      makeInputs(`bench-pglite-${run}`, n),
      makeInputs(`bench-postgres-${run}`, n),
    ]);

    log('journal store ...');
    const journal = new JobStore(mkdtemp('bench-stores-journal-'));
    const journalRate = await runJob(journal, undefined, a);
    journal.close();

    log('database store on PGlite ...');
    const pglite = await openDatabase({ driver: 'pglite', dataDir: path.join(mkdtemp('bench-stores-pglite-'), 'db') });
    let pgliteRate: number;
    try {
      const store = await DatabaseJobStore.open(bulkJobsRepository(pglite.db));
      pgliteRate = await runJob(store as unknown as Store, store, b);
    } finally {
      await pglite.close();
    }

    log('database store on PostgreSQL ...');
    const server = await startPostgresServer({ durable: true });
    let postgresRate: number;
    try {
      const postgres = await openDatabase({ driver: 'postgres', url: await server.createDatabase('bench_stores') });
      try {
        const store = await DatabaseJobStore.open(bulkJobsRepository(postgres.db));
        postgresRate = await runJob(store as unknown as Store, store, c);
      } finally {
        await postgres.close();
      }
    } finally {
      await server.stop();
    }

    const rate = (key: string, label: string, value: number): Figure => ({
      key: `bulk.store.${key}.devices_per_s`,
      label: `${n} devices, ${label}`,
      value,
      unit: 'devices/s',
      better: 'higher',
    });
    return [
      rate('journal', 'journal store (previous)', journalRate),
      rate('pglite', 'database store on PGlite', pgliteRate),
      rate('postgres', 'database store on PostgreSQL', postgresRate),
      {
        key: 'bulk.store.pglite_vs_journal',
        label: 'PGlite store / journal store',
        value: pgliteRate / journalRate,
        unit: 'x',
        better: 'higher',
        goal: 0.9,
      },
      {
        key: 'bulk.store.postgres_vs_journal',
        label: 'PostgreSQL store / journal store',
        value: postgresRate / journalRate,
        unit: 'x',
        better: 'higher',
        goal: 0.9,
      },
    ];
  } finally {
    emu.child.kill('SIGTERM');
    await emu.exited;
    for (const dir of tmp) fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes(WORKER_FLAG)) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  worker(process.argv.includes('quick'))
    .then((figures) => {
      console.log(JSON.stringify(figures));
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const { loadBaseline, printReport } = await import('./report');
  printReport(
    'Bulk job store: journal vs database (PGlite, PostgreSQL)',
    await benchBulkStores({ quick: process.argv.includes('--quick') }),
    loadBaseline(),
  );
}
