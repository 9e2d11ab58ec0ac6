import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ADMIN_TOKEN_FILE_NAME } from '../../lib/local/emulator-admin';
import { AwsError } from '../errors';

/**
 * The admin routes' token (see lib/local/emulator-admin.ts for the contract): 32 random bytes, base64url, made
 * the first time an emulator starts on a data directory and kept in `<dataDir>/admin-token` with mode 0600, so a
 * restart keeps it and the dashboard and tests can read it. An emulator without a data directory keeps one in
 * memory (Emulator.adminToken).
 */
export function loadOrCreateAdminToken(dataDir: string | null): string {
  if (!dataDir) return newToken();
  const file = path.join(dataDir, ADMIN_TOKEN_FILE_NAME);
  fs.mkdirSync(dataDir, { recursive: true });
  const existing = readToken(file);
  if (existing) {
    // A token file others can read is no secret; tighten it rather than trust it less.
    if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    return existing;
  }
  const token = newToken();
  try {
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another process on the same data directory wrote it first: use theirs.
    const theirs = readToken(file);
    if (theirs) return theirs;
    // An empty or damaged token file: replace it.
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
  }
  return token;
}

const newToken = () => randomBytes(32).toString('base64url');

function readToken(file: string): string | undefined {
  try {
    const token = fs.readFileSync(file, 'utf8').trim();
    return /^[A-Za-z0-9_-]{32,}$/.test(token) ? token : undefined;
  } catch {
    return undefined;
  }
}

/** 401 unless `authorization` is `Bearer <token>`; compared in constant time. */
export function adminTokenRefusal(authorization: string | undefined, token: string): AwsError | undefined {
  const given = /^Bearer ([A-Za-z0-9_-]+)$/.exec(authorization ?? '')?.[1];
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(token);
  if (given && a.length === b.length && timingSafeEqual(a, b)) return undefined;
  return new AwsError(
    'UnauthorizedException',
    401,
    `The admin routes under /_emulator/ need the emulator's admin token: send "Authorization: Bearer <token>" with ` +
      `the token from ${ADMIN_TOKEN_FILE_NAME} in the emulator's data directory.`,
  );
}
