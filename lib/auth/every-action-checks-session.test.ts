import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

/**
 * Server actions are public POST endpoints: a page's session check does not protect the actions on it.
 * Every exported action in a 'use server' module must check the session before anything else (sign-in
 * and sign-out excepted). Found on disk, so a new action cannot slip past.
 */
const root = path.resolve(import.meta.dirname, '../..');
const EXEMPT = new Set(['signInAction', 'signOutAction']);

function serverActionModules(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) serverActionModules(full, out);
    else if (/\.tsx?$/.test(entry.name) && /^\s*['"]use server['"]/.test(fs.readFileSync(full, 'utf8'))) out.push(full);
  }
  return out;
}

describe('server actions', () => {
  const modules = serverActionModules(path.join(root, 'app'));

  test('there are server actions to check', () => {
    assert.ok(modules.length >= 5, `found ${modules.length}`);
  });

  for (const file of modules) {
    const source = fs.readFileSync(file, 'utf8');
    for (const m of source.matchAll(/export async function (\w+)\([^)]*\)[^{]*\{\n([^\n]*)/g)) {
      const [, name, firstLine] = m;
      if (EXEMPT.has(name!)) continue;
      test(`${path.relative(root, file)}: ${name} checks the session first`, () => {
        assert.match(firstLine!, /await requireSession\(/, `${name} starts with: ${firstLine!.trim()}`);
      });
    }
  }
});
