import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The no-key-on-disk check: PEM private keys (PKCS#8, PKCS#1 RSA, SEC1 EC, encrypted PKCS#8) with key
 * material after the header. Matching the body too keeps source code that merely spells the header (the
 * emulator's CA writer, this file) from counting as a key. A key escaped into JSON (`\n`) counts too.
 */
export const PRIVATE_KEY_BLOCK =
  /-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----(\r?\n|(\\r)?\\n)(Proc-Type:[^\n]*\n(DEK-Info:[^\n]*\n)?\r?\n)?[A-Za-z0-9+/]{40,}/;

/**
 * What the scan skips: dependencies, git, Next builds (.next*), the emulator's own data dir (AWS's side holds
 * its own CA keys), and test temp dirs (Playwright's test-results/report, the scratch dir).
 */
const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  '.data',
  'test-results',
  'playwright-report',
  'blob-report',
  '.scratch',
]);
const skipDir = (name: string) => SKIP_DIRS.has(name) || name.startsWith('.next');

/** Larger files are build output or data, not something the dashboard writes a key into. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

export function findPrivateKeyFiles(root: string): string[] {
  const hits: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skipDir(entry.name)) walk(full);
      } else if (entry.isFile()) {
        if (statSync(full).size > MAX_FILE_BYTES) continue;
        const text = readFileSync(full).toString('latin1');
        if (PRIVATE_KEY_BLOCK.test(text)) hits.push(path.relative(root, full));
      }
    }
  };
  walk(root);
  return hits.sort();
}

/** Lines of the Next server's captured output that carry a private key (reported without the key). */
export function findPrivateKeysInLog(logFile: string): number {
  if (!existsSync(logFile)) throw new Error(`The Next server's log ${logFile} does not exist.`);
  const text = readFileSync(logFile, 'utf8');
  const global = new RegExp(PRIVATE_KEY_BLOCK.source, 'g');
  return [...text.matchAll(global)].length;
}

/** Set by e2e/global-setup.ts: where the Next server's stdout and stderr are captured. */
export const NEXT_LOG_ENV = 'E2E_NEXT_LOG';
