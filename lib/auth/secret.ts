import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The key better-auth signs session cookies and encrypts stored OAuth tokens with. Every instance sharing a
 * database needs the same one:
 *   BETTER_AUTH_SECRET   32+ characters (the name better-auth documents)
 *   SESSION_SECRET       the same, under the name earlier versions of the dashboard used
 * With neither, one is made once (32 random bytes) in `<DASHBOARD_DATA_DIR or .data/dashboard>/auth-secret`,
 * mode 0600: enough for one instance on one machine. It is a signing key, not anyone's password.
 */
type Env = Readonly<Record<string, string | undefined>>;

export const MIN_SECRET_LENGTH = 32;

export function dashboardDataDir(env: Env = process.env): string {
  // Runtime data, not part of the build: keep Turbopack from tracing the whole project through it.
  return path.resolve(/*turbopackIgnore: true*/ env.DASHBOARD_DATA_DIR || '.data/dashboard');
}

function readOrCreate(file: string, make: () => string): string {
  try {
    const value = fs.readFileSync(file, 'utf8').trim();
    if (value) return value;
  } catch {
    // Not there yet.
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // 'wx' so two processes starting at once cannot overwrite each other's secret: the loser reads the winner's.
  try {
    const value = make();
    fs.writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return value;
  } catch {
    return fs.readFileSync(file, 'utf8').trim();
  }
}

export function authSecret(env: Env = process.env): string {
  for (const name of ['BETTER_AUTH_SECRET', 'SESSION_SECRET']) {
    const value = env[name];
    if (value && value.length >= MIN_SECRET_LENGTH) return value;
  }
  return readOrCreate(path.join(dashboardDataDir(env), 'auth-secret'), () => randomBytes(32).toString('base64url'));
}
