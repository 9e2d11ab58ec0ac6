import fs from 'node:fs';
import path from 'node:path';

/**
 * The local IoT Core's admin routes (`/_emulator/faults`, `quotas`, `clients`) need a token the emulator makes
 * once and keeps in its data directory, readable by its owner only: whoever can read that file may drive the
 * emulator, a web page in the operator's browser may not. This module is the contract both sides share: where
 * the token lives, how a launcher tells the dashboard where it is, and how a request carries it.
 */

/** The token's file under the emulator's data directory. */
export const ADMIN_TOKEN_FILE_NAME = 'admin-token';

/** Set by launchers (scripts/start.ts, e2e global setup) for the dashboard: the token file's path. */
export const ADMIN_TOKEN_FILE_ENV = 'IOT_EMULATOR_ADMIN_TOKEN_FILE';

/** The header an admin request carries: `Authorization: Bearer <token>`. */
export function adminAuthorization(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/**
 * Where the dashboard finds the token: the file a launcher named, else `admin-token` in the emulator's data
 * directory as `npm run emulator` run from the project root places it.
 */
export function adminTokenFile(env: NodeJS.ProcessEnv = process.env): string {
  const named = env[ADMIN_TOKEN_FILE_ENV]?.trim();
  if (named) return path.resolve(named);
  return path.resolve(env.IOT_EMULATOR_DATA_DIR?.trim() || '.data/emulator', ADMIN_TOKEN_FILE_NAME);
}

/** The token, or undefined when there is no readable token file (the emulator then answers 401). */
export function readAdminToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    return fs.readFileSync(adminTokenFile(env), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Headers for a request to an admin route: the token's Authorization header when there is a token. */
export function adminHeaders(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const token = readAdminToken(env);
  return token ? adminAuthorization(token) : {};
}
