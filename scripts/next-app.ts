/**
 * Building and running the Next.js dashboard as a child process. Shared by the launcher
 * (scripts/start.ts) and the Playwright global setup (e2e/global-setup.ts) so both decide
 * "is the build stale?" and "is the server up?" the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');

/** What the production build depends on. Tests and the emulator are not bundled into it. */
const BUILD_INPUT_DIRS = ['app', 'components', 'lib', 'public'];
const BUILD_INPUT_FILES = [
  // Next's per-request layer and start-up hook are compiled into the build too.
  'proxy.ts',
  'instrumentation.ts',
  'next.config.js',
  'postcss.config.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
];
const IGNORED = /(^|\/)(__tests__|node_modules)(\/|$)|\.test\.tsx?$|\.spec\.tsx?$/;

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (IGNORED.test(file)) continue;
    newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

/** The build's folder: `.next`, or NEXT_DIST_DIR (next.config.js reads the same variable). */
export const distDir = () => process.env.NEXT_DIST_DIR || '.next';

/** True when the build's BUILD_ID is missing or older than any source the build reads. */
export function isBuildStale(root = projectRoot): boolean {
  const buildId = path.join(root, distDir(), 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  const builtAt = statSync(buildId).mtimeMs;
  const dirs = BUILD_INPUT_DIRS.map((d) => newestMtime(path.join(root, d)));
  const files = BUILD_INPUT_FILES.map((f) => path.join(root, f))
    .filter((f) => existsSync(f))
    .map((f) => statSync(f).mtimeMs);
  return Math.max(0, ...dirs, ...files) > builtAt;
}

/**
 * Whether `next build` can run here: it needs the dev dependencies (TypeScript, Tailwind's PostCSS plugin), which a
 * production install (`npm ci --omit=dev`, `npm prune --omit=dev`) does not have.
 */
export function canBuildNext(root = projectRoot): boolean {
  const require = createRequire(path.join(root, 'package.json'));
  try {
    require.resolve('typescript');
    require.resolve('@tailwindcss/postcss');
    return existsSync(path.join(root, 'app'));
  } catch {
    return false;
  }
}

export type Env = Record<string, string | undefined>;

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** `next build`, output shown as it happens. Rejects when the build fails. */
export async function buildNext(options: { root?: string; env?: Env } = {}): Promise<void> {
  const child = spawn(process.execPath, [nextBin, 'build'], {
    cwd: options.root ?? projectRoot,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...options.env },
    stdio: 'inherit',
  });
  const code = await waitForExit(child);
  if (code !== 0) throw new Error(`next build failed (exit code ${code ?? 'signal'})`);
}

/** Ask the OS for a free TCP port on 127.0.0.1 (released immediately; a small race we accept in tests). */
export function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface NextServer {
  url: string;
  pid: number | undefined;
  child: ChildProcess;
  /** SIGTERM (a graceful shutdown), then SIGKILL if the server has not exited after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartNextOptions {
  root?: string;
  host?: string;
  port: number;
  env?: Env;
  /** `next dev` instead of `next start`. */
  dev?: boolean;
  /** Where the server's output goes: the terminal (default) or nowhere but an error report. */
  stdio?: 'inherit' | 'pipe';
  readyTimeoutMs?: number;
}

/** Start `next start` (or `next dev`) and resolve once it answers HTTP. */
export async function startNext(options: StartNextOptions): Promise<NextServer> {
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host}:${options.port}`;
  const child = spawn(
    process.execPath,
    [nextBin, options.dev ? 'dev' : 'start', '--hostname', host, '--port', String(options.port)],
    {
      cwd: options.root ?? projectRoot,
      // NEXT_MANUAL_SIG_HANDLE: the dashboard's own SIGTERM handler shuts down gracefully (lib/server/shutdown.ts).
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NEXT_MANUAL_SIG_HANDLE: 'true', ...options.env },
      stdio: options.stdio === 'pipe' ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    },
  );

  // Keep the tail of the output so a failed start can say why.
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const exited = waitForExit(child);
  const stop = async (graceMs = 25_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let early: number | null | undefined;
  void exited.then((code) => {
    early = code;
  });
  while (Date.now() < deadline) {
    if (early !== undefined) {
      throw new Error(`next ${options.dev ? 'dev' : 'start'} exited early (code ${early ?? 'signal'})\n${tail}`);
    }
    try {
      // Any HTTP answer means the server is listening; the page itself may legitimately be a redirect.
      await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
      return { url, pid: child.pid, child, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await stop();
  throw new Error(`next did not answer on ${url} within the timeout\n${tail}`);
}
