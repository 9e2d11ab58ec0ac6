import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Who may sign in, and the key that signs their session cookies. Shared by the launcher (which prints
 * the password) and the server (which checks it), so both read the same place:
 * - DASHBOARD_USER (default `admin`) and DASHBOARD_PASSWORD;
 * - in local mode with no DASHBOARD_PASSWORD, a random one made once and kept in
 *   `<DASHBOARD_DATA_DIR or .data/dashboard>/password` (mode 0600);
 * - in AWS mode a password is required: a dashboard that can create certificates in a real account
 *   never runs open or with a password nobody chose.
 * SESSION_SECRET signs cookies; without it a random one is made once next to the password.
 */
export interface DashboardCredentials {
  user: string;
  password: string;
  /** Where the password came from, for the launcher's message. */
  source: 'env' | 'generated' | 'file';
  passwordFile?: string;
}

export class MissingPasswordError extends Error {
  constructor() {
    super(
      'DASHBOARD_PASSWORD must be set when IOT_MODE=aws: the dashboard will not run against a real AWS account without a password.',
    );
    this.name = 'MissingPasswordError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

export function dashboardDataDir(env: Env = process.env): string {
  // Runtime data, not part of the build: keep Turbopack from tracing the whole project through it.
  return path.resolve(/*turbopackIgnore: true*/ env.DASHBOARD_DATA_DIR || '.data/dashboard');
}

function readOrCreate(file: string, make: () => string): { value: string; created: boolean } {
  try {
    const value = fs.readFileSync(file, 'utf8').trim();
    if (value) return { value, created: false };
  } catch {
    // Not there yet.
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const value = make();
  // 'wx' so two processes starting at once cannot overwrite each other's secret.
  try {
    fs.writeFileSync(file, value + '\n', { mode: 0o600, flag: 'wx' });
    return { value, created: true };
  } catch {
    return { value: fs.readFileSync(file, 'utf8').trim(), created: false };
  }
}

export function dashboardCredentials(env: Env = process.env): DashboardCredentials {
  const user = env.DASHBOARD_USER?.trim() || 'admin';
  const fromEnv = env.DASHBOARD_PASSWORD;
  if (fromEnv) return { user, password: fromEnv, source: 'env' };
  if ((env.IOT_MODE ?? 'local').trim().toLowerCase() === 'aws') throw new MissingPasswordError();
  const passwordFile = path.join(dashboardDataDir(env), 'password');
  // 18 random bytes in base64url: 24 characters, easy to paste, far beyond guessing.
  const { value, created } = readOrCreate(passwordFile, () => randomBytes(18).toString('base64url'));
  return { user, password: value, source: created ? 'generated' : 'file', passwordFile };
}

export function sessionSecret(env: Env = process.env): string {
  if (env.SESSION_SECRET && env.SESSION_SECRET.length >= 32) return env.SESSION_SECRET;
  return readOrCreate(path.join(dashboardDataDir(env), 'session-secret'), () => randomBytes(32).toString('base64url'))
    .value;
}
