/**
 * Bulk onboarding bench, two figures side by side:
 *
 * 1. N devices (1,000; 200 with --quick) through the bulk job service as the dashboard runs it (lib/onboarding/bulk/jobs.ts
 *    on the embedded database in a data directory, in this process) against the
 *    local IoT Core in a separate process (emulator/main.ts), CSRs made beforehand (WebCrypto EC P-256, as
 *    the browser worker makes them), vs the script an operator would otherwise write: the same four AWS CLI
 *    calls per device one after another (create-thing, create-certificate-from-csr, attach-policy,
 *    attach-thing-principal). The CLI costs ~0.4 s per call (Python start-up), so it runs on a sample
 *    (100 devices; 10 with --quick) and is extrapolated to N: the figure's label says so. Goal: ≥ 15x.
 *    The emulator enforces no quotas here, so the job runs with its rate limits lifted (local mode).
 * 2. With the emulator enforcing AWS's default per-operation quotas (PUT /_emulator/quotas {defaults:true})
 *    and the job's limits at the same rates: the job's time vs the lower bound the slowest operation sets
 *    (N / 15 per second, CreateCertificateFromCsr and AttachPolicy). Goal: within 10% (≤ 1.10).
 *
 * lib/aws is server-only (`import 'server-only'`), which Node resolves to a no-op only under the
 * `react-server` condition, so the measurement runs in a child process started with it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Figure } from './report';

const WORKER_FLAG = '--bulk-bench-worker';
const ROOT = path.resolve(import.meta.dirname, '../..');

export async function benchBulk(opts: { quick: boolean }): Promise<Figure[]> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=react-server', import.meta.filename, WORKER_FLAG, opts.quick ? 'quick' : 'full'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const line = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('['))
    throw new Error(`bulk bench worker failed (exit ${code}): ${out.slice(-2000)}`);
  return JSON.parse(line) as Figure[];
}

async function worker(quick: boolean): Promise<Figure[]> {
  const { spawnEmulator } = await import('../../emulator/test/process');
  const { awsCli, hasAwsCli } = await import('../../emulator/test/aws-cli');
  const { BulkJobs } = await import('../../lib/onboarding/bulk/jobs');
  const { DEVICE_BATCH } = await import('../../lib/onboarding/bulk/schema');
  const { bulkJobsRepository } = await import('../../lib/db/bulk-jobs');
  const { openDatabase } = await import('../../lib/db/database');
  const { makeInputs, emulatorOps, ALLOW_ALL_POLICY } = await import('../../lib/onboarding/bulk/testing/fixtures');
  const { DEFAULT_JOB_RATES } = await import('../../lib/onboarding/bulk/types');
  type DeviceInput = import('../../lib/onboarding/bulk/types').DeviceInput;

  const n = quick ? 200 : 1000;
  const cliSample = quick ? 10 : 100;
  const quotaN = quick ? 150 : 1000;
  const log = (s: string) => process.stderr.write(`[bench bulk] ${s}\n`);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bulk-emu-'));
  const emu = await spawnEmulator({ IOT_EMULATOR_DATA_DIR: dataDir, AWS_REGION: 'us-east-1' });
  const { adminAuthorization, ADMIN_TOKEN_FILE_NAME } = await import('../../lib/local/emulator-admin');
  const adminToken = fs.readFileSync(path.join(dataDir, ADMIN_TOKEN_FILE_NAME), 'utf8').trim();
  const admin = (method: string, route: string, body?: unknown) =>
    fetch(`${emu.url}/_emulator/${route}`, {
      method,
      headers: { ...adminAuthorization(adminToken), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  const aws = emulatorOps(emu.url);
  const run = Date.now().toString(36);
  const policyName = `bench-bulk-${run}`;
  const figures: Figure[] = [];
  const storeDirs: string[] = [];

  const runJob = async (devices: DeviceInput[], rates: Record<string, number>, concurrency: number) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bulk-jobs-'));
    storeDirs.push(dir);
    const database = await openDatabase({ driver: 'pglite', dataDir: path.join(dir, 'db') });
    const jobs = new BulkJobs({ repo: bulkJobsRepository(database.db), aws, singleProcess: true });
    try {
      await jobs.start();
      const job = await jobs.createJob({
        name: 'bench',
        policyName,
        policySource: 'existing',
        total: devices.length,
        settings: { concurrency, rates },
      });
      for (let from = 0; from < devices.length; from += DEVICE_BATCH)
        await jobs.addDevices(job.id, from, devices.slice(from, from + DEVICE_BATCH));
      const t0 = performance.now();
      await jobs.startJob(job.id, { id: 'bench' });
      await jobs.idle(job.id);
      const seconds = (performance.now() - t0) / 1000;
      const done = (await jobs.view(job.id))?.counts.done;
      if (done !== devices.length) throw new Error(`job finished with ${done} of ${devices.length} done`);
      return seconds;
    } finally {
      await jobs.stop();
      await database.close();
    }
  };

  try {
    // A policy the devices get (CreatePolicy through the emulator's HTTP API, as the dashboard would).
    const res = await fetch(`${emu.url}/policies/${policyName}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ policyDocument: ALLOW_ALL_POLICY }),
    });
    if (!res.ok) throw new Error(`CreatePolicy: ${res.status} ${await res.text()}`);

    log(`making ${n + quotaN + cliSample} CSRs (EC P-256, WebCrypto) ...`);
    const [jobDevices, quotaDevices, cliDevices] = await Promise.all([
      makeInputs(`bench-job-${run}`, n),
      makeInputs(`bench-quota-${run}`, quotaN),
      makeInputs(`bench-cli-${run}`, cliSample),
    ]);

    // 1a. The job, local mode: the emulator enforces no quota, so the job's limits are lifted too.
    log(`job: ${n} devices ...`);
    const unlimited = Object.fromEntries(Object.keys(DEFAULT_JOB_RATES).map((op) => [op, 0]));
    const jobSeconds = await runJob(jobDevices, unlimited, 32);

    // 1b. The operator's script: four CLI calls per device, one after another.
    let cliPerDevice = NaN;
    if (await hasAwsCli()) {
      log(`AWS CLI script: ${cliSample} devices ...`);
      const csrDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bulk-csr-'));
      const t0 = performance.now();
      for (const d of cliDevices) {
        const csrFile = path.join(csrDir, `${d.thingName}.csr`);
        fs.writeFileSync(csrFile, d.csrPem);
        const must = async (args: string[]) => {
          const r = await awsCli(emu.url, args);
          if (r.code !== 0) throw new Error(`aws ${args.slice(0, 2).join(' ')}: ${r.stderr}`);
          return r.json as Record<string, string>;
        };
        await must(['iot', 'create-thing', '--thing-name', d.thingName]);
        const cert = await must([
          'iot',
          'create-certificate-from-csr',
          '--certificate-signing-request',
          `file://${csrFile}`,
          '--set-as-active',
        ]);
        await must(['iot', 'attach-policy', '--policy-name', policyName, '--target', cert.certificateArn!]);
        await must(['iot', 'attach-thing-principal', '--thing-name', d.thingName, '--principal', cert.certificateArn!]);
      }
      cliPerDevice = (performance.now() - t0) / 1000 / cliSample;
      fs.rmSync(csrDir, { recursive: true, force: true });
    } else {
      log('the AWS CLI is not installed: the script figure is left out');
    }
    const cliSeconds = cliPerDevice * n;

    figures.push({
      key: `bulk.job.${n}.seconds`,
      label: `${n} devices through the bulk job (local mode, 32 at once)`,
      value: jobSeconds,
      unit: 's',
      better: 'lower',
    });
    if (Number.isFinite(cliSeconds)) {
      figures.push({
        key: `bulk.cli.${n}.seconds`,
        label: `${n} devices by the sequential AWS CLI script (measured on ${cliSample}, extrapolated x${n / cliSample})`,
        value: cliSeconds,
        unit: 's',
        better: 'lower',
      });
      figures.push({
        key: `bulk.speedup.${n}`,
        label: 'bulk job vs the CLI script (times faster)',
        value: cliSeconds / jobSeconds,
        unit: 'x',
        better: 'higher',
        goal: 15,
      });
    }

    // 2. AWS's default quotas enforced by the emulator; the job's limits at the same rates.
    log(`quotas on: ${quotaN} devices ...`);
    const quotas = await admin('PUT', 'quotas', { defaults: true });
    if (!quotas.ok) throw new Error(`quotas: ${quotas.status}`);
    const rates = (await (await admin('GET', 'quotas')).json()) as { rates: Record<string, number> };
    const jobRates = { ...DEFAULT_JOB_RATES, ...rates.rates };
    const slowest = Math.min(
      ...['CreateThing', 'CreateCertificateFromCsr', 'AttachPolicy', 'AttachThingPrincipal'].map(
        (op) => jobRates[op as keyof typeof jobRates],
      ),
    );
    const bound = quotaN / slowest;
    const quotaSeconds = await runJob(quotaDevices, jobRates, 16);
    await admin('DELETE', 'quotas');
    figures.push({
      key: `bulk.quota.${quotaN}.seconds`,
      label: `${quotaN} devices with AWS's default quotas enforced (bound ${bound.toFixed(1)} s at ${slowest}/s)`,
      value: quotaSeconds,
      unit: 's',
      better: 'lower',
    });
    figures.push({
      key: `bulk.quota.${quotaN}.ratio`,
      label: 'quota run vs the slowest quota’s lower bound',
      value: quotaSeconds / bound,
      unit: 'x',
      better: 'lower',
      goal: 1.1,
    });
    return figures;
  } finally {
    emu.child.kill('SIGTERM');
    await emu.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
    for (const d of storeDirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

if (process.argv.includes(WORKER_FLAG)) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const quick = process.argv.includes('quick');
  worker(quick)
    .then((figures) => {
      console.log(JSON.stringify(figures));
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
