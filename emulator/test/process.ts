import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export interface EmulatorProcess {
  child: ChildProcess;
  url: string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/**
 * Runs `emulator/main.ts` as its own process (node itself, not a wrapper, so a signal reaches the server)
 * and resolves once it has printed where it listens.
 */
export function spawnEmulator(env: Record<string, string>): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'emulator/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      IOT_EMULATOR_HTTP_PORT: '0',
      IOT_EMULATOR_MQTT_PORT: '0',
      IOT_EMULATOR_CREDENTIALS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}${err}`)), 20_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /API (http:\/\/[^\s,]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, exited });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code}: ${out}${err}`));
    });
  });
}
