/**
 * Bulk job store bench: the same job (300 devices; 100 with --quick) against the local IoT Core (its own
 * process, rate limits lifted as in local mode), once per store, in one run:
 * - the previous journal store (scripts/bench/journal-job-store.ts, write(2) per record) under the JobRunner;
 * - the dashboard's path today, the shared job service (lib/onboarding/bulk/jobs.ts: lease claimed, renewed and
 *   released, every write fenced by the lease, every AWS call made once the records before it are committed
 *   and the lease is surely held) on embedded PGlite in a data directory;
 * - the same on a real PostgreSQL server started for the run (durability on).
 * First three warm-up jobs per store (not measured; one with --quick): the first job in a process runs at half
 * speed while the SDK and the emulator warm up, and PGlite's first thousand or so devices run slower while V8
 * recompiles its WebAssembly (PostgreSQL) function by function as they get hot, which a dashboard does once per
 * process, not per job. Then fifteen rounds (one with --quick: a 300-device job lasts under a second, and one
 * round to the next swings by a fifth on this 2-core machine), the order rotated each round; each figure is the
 * median. Goal: the database no slower than 90% of the journal.
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
  const { JournalJobStore } = await import('./journal-job-store');
  const { makeInputs, emulatorOps, ALLOW_ALL_POLICY } = await import('../../lib/onboarding/bulk/testing/fixtures');
  const { DEFAULT_JOB_RATES } = await import('../../lib/onboarding/bulk/types');
  const { DEVICE_BATCH } = await import('../../lib/onboarding/bulk/schema');
  const { openDatabase } = await import('../../lib/db/database');
  const { bulkJobsRepository } = await import('../../lib/db/bulk-jobs');
  const { BulkJobs } = await import('../../lib/onboarding/bulk/jobs');
  const { startPostgresServer } = await import('../../lib/db/testing/postgres-server');
  type DeviceInput = import('../../lib/onboarding/bulk/types').DeviceInput;
  type Database = import('../../lib/db/database').Database;

  // A 300-device job lasts about a second, so its figure carries the job's fixed start and finish (lease claim,
  // rows loaded, last commit, lease released) as much as the per-device rate; BENCH_BULK_DEVICES=1000 measures
  // the rate over a longer job.
  const n = quick ? 100 : Number(process.env.BENCH_BULK_DEVICES ?? 300);
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

  const settings = { concurrency: 32, rates: unlimited };
  const journalJob = async (devices: DeviceInput[]) => {
    const store = new JournalJobStore(mkdtemp('bench-stores-journal-'));
    const runner = new JobRunner({ store, aws });
    const job = runner.createJob({
      name: 'bench',
      policyName,
      policySource: 'existing',
      total: devices.length,
      settings,
    });
    runner.addDevices(job.id, 0, devices);
    const t0 = performance.now();
    runner.start(job.id);
    await runner.idle(job.id);
    const seconds = (performance.now() - t0) / 1000;
    const done = runner.view(job.id)!.counts.done;
    store.close();
    if (done !== devices.length) throw new Error(`job finished with ${done} of ${devices.length} done`);
    return devices.length / seconds;
  };
  /** The job as the dashboard runs it: created and filled as the page does, started, waited for. */
  const sharedJob = async (database: Database, devices: DeviceInput[]) => {
    const jobs = new BulkJobs({ repo: bulkJobsRepository(database.db), aws });
    await jobs.start();
    try {
      const job = await jobs.createJob({
        name: 'bench',
        policyName,
        policySource: 'existing',
        total: devices.length,
        settings,
      });
      for (let from = 0; from < devices.length; from += DEVICE_BATCH)
        await jobs.addDevices(job.id, from, devices.slice(from, from + DEVICE_BATCH));
      const t0 = performance.now();
      await jobs.startJob(job.id, { id: 'bench' });
      await jobs.idle(job.id);
      const seconds = (performance.now() - t0) / 1000;
      const done = (await jobs.view(job.id))?.counts.done;
      if (done !== devices.length) throw new Error(`job finished with ${done} of ${devices.length} done`);
      return devices.length / seconds;
    } finally {
      await jobs.stop();
    }
  };

  try {
    const res = await fetch(`${emu.url}/policies/${policyName}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ policyDocument: ALLOW_ALL_POLICY }),
    });
    if (!res.ok) throw new Error(`CreatePolicy: ${res.status} ${await res.text()}`);
    // Rounds, each running the three in a rotated order, and the median of each: the figures compare the stores,
    // not the moments a busy machine happened to be quieter.
    const rounds = quick ? 1 : 15;
    const warmUpJobs = quick ? 1 : 3;
    // Each job's CSRs are made just before it (not timed): thousands held for the whole run would weigh on every
    // garbage collection of the measured jobs, as no dashboard's heap does.
    const devicesFor = (label: string, count: number) => makeInputs(`bench-stores-${run}-${label}`, count);
    const pglite = await openDatabase({ driver: 'pglite', dataDir: path.join(mkdtemp('bench-stores-pglite-'), 'db') });
    const server = await startPostgresServer({ durable: true });
    const rates: Record<'journal' | 'pglite' | 'postgres', number[]> = { journal: [], pglite: [], postgres: [] };
    try {
      const postgres = await openDatabase({ driver: 'postgres', url: await server.createDatabase('bench_stores') });
      try {
        const runs = {
          journal: (d: DeviceInput[]) => journalJob(d),
          pglite: (d: DeviceInput[]) => sharedJob(pglite, d),
          postgres: (d: DeviceInput[]) => sharedJob(postgres, d),
        };
        const order = ['journal', 'pglite', 'postgres'] as const;
        log('warming up ...');
        for (let w = 0; w < warmUpJobs; w++)
          for (const store of order) await runs[store](await devicesFor(`warm-${w}-${store}`, n));
        for (let r = 0; r < rounds; r++) {
          for (let k = 0; k < 3; k++) {
            const store = order[(k + r) % 3]!;
            log(`round ${r + 1}/${rounds}: ${store} ...`);
            rates[store].push(await runs[store](await devicesFor(`${r}-${store}`, n)));
          }
        }
      } finally {
        await postgres.close();
      }
    } finally {
      await pglite.close();
      await server.stop();
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const journalRate = median(rates.journal);
    const pgliteRate = median(rates.pglite);
    const postgresRate = median(rates.postgres);
    log(`devices/s per round: ${JSON.stringify(rates)}`);

    const rate = (key: string, label: string, value: number): Figure => ({
      key: `bulk.store.${key}.devices_per_s`,
      label: `${n} devices, ${label}, median of ${rounds}`,
      value,
      unit: 'devices/s',
      better: 'higher',
    });
    return [
      rate('journal', 'journal store (previous)', journalRate),
      rate('pglite', 'database on PGlite (leases, fenced writes)', pgliteRate),
      rate('postgres', 'database on PostgreSQL (leases, fenced writes)', postgresRate),
      {
        key: 'bulk.store.pglite_vs_journal',
        label: 'PGlite / journal store',
        value: pgliteRate / journalRate,
        unit: 'x',
        better: 'higher',
        goal: 0.9,
      },
      {
        key: 'bulk.store.postgres_vs_journal',
        label: 'PostgreSQL / journal store',
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
