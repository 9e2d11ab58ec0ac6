/**
 * Onboarding bench: one device end to end in local mode, as the /onboard page does it: the form's checks
 * against AWS (preflight), a key pair and CSR made the way the browser makes them (WebCrypto, EC P-256),
 * the five steps (CreateThing, CreateCertificateFromCsr, CreatePolicy, AttachPolicy, AttachThingPrincipal)
 * through the same lib/onboarding orchestration and step functions the page's server actions call, and
 * the credential bundle zipped as the browser zips it. p50/p99 over ~30 devices against an in-process
 * emulator (durability on); goal under 1 s. Also: a failure at the last step and its full rollback.
 *
 * The step functions are server-only modules (`import 'server-only'`), which Node resolves to a no-op only
 * under the `react-server` condition, so the measurement runs in a child process started with it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { launchChromium } from '../chromium';
import { startDashboardStack } from '../dashboard-stack';
import { percentile, type Figure } from './report';

const WORKER_FLAG = '--onboarding-bench-worker';

export async function benchOnboarding(opts: { quick: boolean }): Promise<Figure[]> {
  return [...(await benchOnboardingSteps(opts)), ...(await benchOnboardingInBrowser(opts))];
}

/**
 * The same, as an operator sees it: headless Chromium on /onboard against the production build, timed from
 * the click on "Onboard device" to the bundle's download (key and CSR made in the page, five server actions,
 * the zip built in the page). Default settings: a browser key (EC P-256) and the thing-scoped template.
 */
async function benchOnboardingInBrowser(opts: { quick: boolean }): Promise<Figure[]> {
  const stack = await startDashboardStack();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    await context.addCookies([
      { name: stack.session.name, value: stack.session.value, url: stack.next.url, httpOnly: true },
    ]);
    const page = await context.newPage();
    const times: number[] = [];
    const runs = opts.quick ? 4 : 12;
    for (let i = 0; i < runs + 1; i++) {
      await page.goto(`${stack.next.url}/onboard`);
      await page.getByLabel('Thing name', { exact: true }).fill(`browser-bench-${i}`);
      const download = page.waitForEvent('download', { timeout: 30_000 });
      const t0 = performance.now();
      await page.getByRole('button', { name: 'Onboard device' }).click();
      await download;
      // The first run warms the server's route code; it is not counted.
      if (i > 0) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return [
      {
        key: 'onboarding.browser.p50_ms',
        label: 'one device in the browser: click to bundle download, p50',
        value: percentile(times, 50),
        unit: 'ms',
        better: 'lower',
        goal: 1000,
      },
      {
        key: 'onboarding.browser.p99_ms',
        label: 'one device in the browser, p99',
        value: percentile(times, 99),
        unit: 'ms',
        better: 'lower',
      },
    ];
  } finally {
    await browser.close();
    await stack.close();
  }
}

async function benchOnboardingSteps(opts: { quick: boolean }): Promise<Figure[]> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=react-server', import.meta.filename, WORKER_FLAG, opts.quick ? 'quick' : 'full'],
    { cwd: path.resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const line = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('['))
    throw new Error(`onboarding bench worker failed (exit ${code}): ${out.slice(-2000)}`);
  return JSON.parse(line) as Figure[];
}

async function worker(quick: boolean): Promise<Figure[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-onboarding-'));
  const { createEmulator } = await import('../../emulator/index');
  const emulator = await createEmulator({ httpPort: 0, mqttPort: 0, dataDir, region: 'us-east-1' });
  Object.assign(process.env, {
    IOT_MODE: 'local',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_IOT: emulator.urls.http,
    AWS_ENDPOINT_URL_IOT_DATA_PLANE: emulator.urls.http,
    AWS_ACCESS_KEY_ID: 'AKIDBENCHONBOARDING0',
    AWS_SECRET_ACCESS_KEY: 'bench-throwaway',
  });
  const { runOnboarding } = await import('../../lib/onboarding/run');
  const { serverSteps } = await import('../../lib/onboarding/single');
  const { preflight } = await import('../../lib/onboarding/preflight');
  const { generateDeviceKeys } = await import('../../lib/pki/browser-keys');
  const { bundleFileName, bundleFiles, zipBundle } = await import('../../lib/bundle');
  type Plan = import('../../lib/onboarding/types').OnboardingPlan;

  const planFor = (thingName: string): Plan => ({
    thingName,
    attributes: { bench: 'onboarding' },
    credentials: { mode: 'browser-key', algorithm: 'EC' },
    policy: { mode: 'template', templateId: 'thing-scoped', policyName: `${thingName}-policy` },
  });

  /** What the page does for one device, from pressing Onboard to the zip. */
  const onboardOne = async (thingName: string) => {
    const plan = planFor(thingName);
    const checked = await preflight(plan);
    if (checked.problems.length) throw new Error(`preflight: ${checked.problems[0]!.message}`);
    const out = await runOnboarding(plan, serverSteps, { generateKeys: generateDeviceKeys });
    if (!out.ok) throw new Error(`onboarding failed: ${out.view.failure?.message}`);
    const r = out.result;
    const c = checked.connection;
    const zip = zipBundle(
      bundleFiles({
        thingName,
        endpoint: c.endpoint,
        port: c.port,
        mode: c.mode,
        region: c.region,
        certificateId: r.certificateId,
        certificatePem: r.certificatePem,
        privateKeyPem: r.privateKeyPem,
        publicKeyPem: r.publicKeyPem,
        rootCa: c.rootCa,
        policyName: r.policyName,
      }),
    );
    if (zip.length < 100 || !bundleFileName(thingName)) throw new Error('empty bundle');
  };

  const timeEach = async (n: number, fn: (i: number) => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await fn(i);
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b);
  };

  try {
    const run = Date.now().toString(36);
    await onboardOne(`bench-warmup-${run}`); // first-call costs (SDK client, module init) are not the steady state
    const n = quick ? 10 : 30;
    const times = await timeEach(n, (i) => onboardOne(`bench-onb-${run}-${i}`));

    // A failure at the last step: four things made, then undone in reverse (detach, delete, deactivate ...).
    const rollbackTimes = await timeEach(quick ? 3 : 10, async (i) => {
      emulator.context.faults.add({ operation: 'AttachThingPrincipal', error: 'InvalidRequestException', count: 1 });
      const out = await runOnboarding(planFor(`bench-rb-${run}-${i}`), serverSteps, {
        generateKeys: generateDeviceKeys,
      });
      if (out.ok || out.view.rollback?.left.length) throw new Error('expected a failure with a complete rollback');
    });

    return [
      {
        key: 'onboarding.local.p50_ms',
        label: `one device end to end, p50 (n=${n})`,
        value: percentile(times, 50),
        unit: 'ms',
        better: 'lower',
        goal: 1000,
      },
      {
        key: 'onboarding.local.p99_ms',
        label: `one device end to end, p99 (n=${n})`,
        value: percentile(times, 99),
        unit: 'ms',
        better: 'lower',
        goal: 1000,
      },
      {
        key: 'onboarding.rollback.p50_ms',
        label: 'failure at the last step + full rollback, p50',
        value: percentile(rollbackTimes, 50),
        unit: 'ms',
        better: 'lower',
      },
    ];
  } finally {
    await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === WORKER_FLAG) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  worker(process.argv[3] === 'quick').then(
    (figures) => {
      process.stdout.write(`\n${JSON.stringify(figures)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
