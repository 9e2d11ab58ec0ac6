import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { getFreePort } from '../scripts/next-app';
import { expect, test } from './fixtures';

/**
 * A production install: what `npm run build` made (global setup built it), copied with the package files to a
 * fresh directory, its dev dependencies removed with `npm prune --omit=dev` (offline: pruning only deletes),
 * then `npm start` exactly as a deployment runs it, asked for /api/health, and stopped with SIGTERM. Proves no
 * dev dependency (tsx, esbuild, TypeScript, server-only ...) is needed at run time. Slow: it copies the build.
 */
const root = process.cwd();

/** Copies keeping modification times (the launcher compares them to decide whether a build is stale). */
function copy(from: string, to: string, hardLinks = false): void {
  execFileSync('cp', [hardLinks ? '-al' : '-a', path.join(root, from), to]);
}

test.describe('a production install without dev dependencies', () => {
  test.setTimeout(300_000);

  test('npm prune --omit=dev, then npm start serves /api/health and stops cleanly', async () => {
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-prod-install-'));
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-prod-data-'));
    let launcher: ReturnType<typeof spawn> | undefined;
    try {
      // `npm run build` is `launch.mjs compile && next build`; global setup ran the second half.
      execFileSync(process.execPath, ['scripts/launch.mjs', 'compile'], { cwd: root, stdio: 'pipe' });
      for (const item of [
        'package.json',
        'package-lock.json',
        'next.config.js',
        '.next',
        'dist',
        'scripts',
        'lib',
        'app',
      ]) {
        copy(item, app);
      }
      if (fs.existsSync(path.join(root, 'public'))) copy('public', app);
      // The launcher's staleness check reads the entry points' sources; the emulator's are among them.
      copy('emulator', app);
      // Hard links: the copy's own directory entries, so pruning them leaves this checkout's untouched.
      copy('node_modules', app, true);

      execFileSync('npm', ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund'], {
        cwd: app,
        stdio: 'pipe',
      });
      for (const devOnly of ['tsx', 'esbuild', 'typescript', 'server-only', '@biomejs/biome']) {
        expect(fs.existsSync(path.join(app, 'node_modules', devOnly)), `${devOnly} is pruned`).toBe(false);
      }
      expect(fs.existsSync(path.join(root, 'node_modules', 'tsx')), "this checkout's tsx is still there").toBe(true);

      const [port, httpPort, mqttPort, credentialsPort] = await Promise.all([
        getFreePort(),
        getFreePort(),
        getFreePort(),
        getFreePort(),
      ]);
      const child = spawn('npm', ['start', '--silent'], {
        cwd: app,
        env: {
          ...process.env,
          IOT_MODE: 'local',
          PORT: String(port),
          IOT_EMULATOR_HTTP_PORT: String(httpPort),
          IOT_EMULATOR_MQTT_PORT: String(mqttPort),
          IOT_EMULATOR_CREDENTIALS_PORT: String(credentialsPort),
          IOT_EMULATOR_DATA_DIR: path.join(data, 'emulator'),
          DASHBOARD_DATA_DIR: path.join(data, 'dashboard'),
          DASHBOARD_ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
          BETTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          // Nothing from this checkout: the install must stand alone.
          NODE_PATH: '',
          NODE_OPTIONS: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, stopped as a whole: npm runs the script through `sh -c`, which does not pass
        // a SIGTERM on (a container should run `node scripts/launch.mjs start` itself, or under an init).
        detached: true,
      });
      launcher = child;
      let output = '';
      child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<string>((resolve) =>
        child.once('exit', (code, signal) => resolve(`${code ?? signal}`)),
      );

      await expect.poll(() => output, { timeout: 180_000 }).toMatch(/Dashboard: http:\/\/|exited|Error/);
      expect(output).toContain('Dashboard: http://');
      expect(output).not.toContain('Building the dashboard');
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(health.status, output.slice(-3000)).toBe(200);
      expect(((await health.json()) as { status: string }).status).toBe('ok');

      process.kill(-child.pid!, 'SIGTERM');
      // npm (and its shell) end at once by the signal; the dashboard, still writing to the same pipe, shuts down.
      await expect.poll(() => output, { timeout: 30_000 }).toContain('"msg":"shut down"');
      await expect.poll(() => fs.existsSync(path.join(data, 'dashboard', 'db.lock')), { timeout: 10_000 }).toBe(false);
      expect(['0', 'SIGTERM'], output.slice(-3000)).toContain(await exited);
    } finally {
      if (launcher?.pid) {
        try {
          process.kill(-launcher.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      fs.rmSync(app, { recursive: true, force: true });
      fs.rmSync(data, { recursive: true, force: true });
    }
  });
});
