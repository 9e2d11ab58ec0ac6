/**
 * `npm test`: every test — a type check of the whole repository, node's test runner for unit and
 * integration tests (`*.test.ts` beside the code and under emulator/test/), then Playwright for the
 * end-to-end specs in e2e/ — and one closing line `N passed, N failed` that CI reads.
 *
 *   npm test                      everything (lint + format check, type check, node tests, e2e)
 *   npm test -- --only node       unit + integration only
 *   npm test -- --only e2e        end-to-end only
 *   npm test -- emulator/test/things.test.ts   just these node test files
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const SKIP_DIRS = new Set(['node_modules', '.next', '.data', '.git', 'e2e', 'test-results', '.scratch']);

function findTests(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) findTests(path.join(dir, entry.name), out);
    } else if (entry.name.endsWith('.test.ts')) {
      out.push(path.relative(root, path.join(dir, entry.name)));
    }
  }
  return out.sort();
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

async function runNodeTests(files: string[], env: NodeJS.ProcessEnv): Promise<Tally> {
  const tap = path.join(os.tmpdir(), `node-tests-${process.pid}.tap`);
  const code = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      // Lets tests import server-only modules (lib/aws) as the Next.js server does.
      '--conditions=react-server',
      '--test',
      // Two files at a time. Node's default is one less than the cores (one file at a time on a 2-core machine),
      // yet most files spend their time waiting on an emulator, a database server or the AWS CLI, and each file
      // starts its own process: two at a time take the node tests from about 7.5 to 4.5 minutes here.
      '--test-concurrency=2',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    env,
  );
  const text = fs.existsSync(tap) ? fs.readFileSync(tap, 'utf8') : '';
  fs.rmSync(tap, { force: true });
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  const tally = {
    passed: count('pass'),
    failed: count('fail') + count('cancelled'),
    skipped: count('skipped') + count('todo'),
  };
  // A crashed runner that reported nothing is a failure, not an empty success.
  if (code !== 0 && tally.failed === 0) tally.failed = 1;
  return tally;
}

async function runE2e(env: NodeJS.ProcessEnv): Promise<Tally> {
  const report = path.join(os.tmpdir(), `e2e-${process.pid}.json`);
  const code = await run(
    process.execPath,
    [path.join(root, 'node_modules/@playwright/test/cli.js'), 'test', '--reporter=list,json'],
    { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
  );
  let tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  if (fs.existsSync(report)) {
    const stats = (JSON.parse(fs.readFileSync(report, 'utf8')) as { stats?: Record<string, number> }).stats ?? {};
    tally = {
      passed: (stats.expected ?? 0) + (stats.flaky ?? 0),
      failed: stats.unexpected ?? 0,
      skipped: stats.skipped ?? 0,
    };
    fs.rmSync(report, { force: true });
  }
  if (code !== 0 && tally.failed === 0) tally.failed = 1;
  return tally;
}

const args = process.argv.slice(2);
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;
const explicitFiles = args.filter((a, i) => a.endsWith('.ts') && (onlyIdx < 0 || i !== onlyIdx + 1));
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

const total: Tally = { passed: 0, failed: 0, skipped: 0 };
const add = (t: Tally) => {
  total.passed += t.passed;
  total.failed += t.failed;
  total.skipped += t.skipped;
};

/** A whole-repository check counted as one test: pass or fail. */
async function runCheck(title: string, args: string[]): Promise<Tally> {
  console.log(`\n== ${title} ==`);
  const code = await run(process.execPath, args, env);
  return code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
}

if (only !== 'e2e' && explicitFiles.length === 0) {
  // Lint and format (Biome), then the whole repository type-checks (next build checks only the app).
  add(
    await runCheck('lint and format (biome check)', [
      path.join(root, 'node_modules/@biomejs/biome/bin/biome'),
      'check',
      '--error-on-warnings',
      '.',
    ]),
  );
  add(
    await runCheck('typecheck (tsc --noEmit)', [
      path.join(root, 'node_modules/typescript/bin/tsc'),
      '--noEmit',
      '-p',
      '.',
    ]),
  );
}
if (only !== 'e2e') {
  const files = explicitFiles.length ? explicitFiles : findTests(root);
  add(await runNodeTests(files, env));
}
if (only !== 'node' && explicitFiles.length === 0 && fs.existsSync(path.join(root, 'playwright.config.ts'))) {
  add(await runE2e(env));
}

const summary = `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`;
fs.mkdirSync(path.join(root, '.data'), { recursive: true });
fs.writeFileSync(path.join(root, '.data/test-summary.txt'), summary + '\n');
console.log(`\n${summary}`);
process.exit(total.failed > 0 ? 1 : 0);
