import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

/**
 * The shape rules of ARCHITECTURE.md, checked on every `npm test` so a new feature cannot quietly break them.
 */
const root = path.resolve(import.meta.dirname, '..');
const SKIP = new Set(['node_modules', '.next', '.data', '.git', 'dist', 'test-results', '.scratch']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name)) out.push(...sourceFiles(rel));
    } else if (/\.(ts|tsx|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      out.push(rel);
    }
  }
  return out;
}

const isTest = (file: string) => /\.(test|spec)\.tsx?$/.test(file) || /(^|\/)(test|e2e)\//.test(file);
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const importsOf = (file: string) => [...read(file).matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]!);

/** Resolve a relative or `@/` import to a repository path without extension. */
function resolveImport(from: string, spec: string): string | undefined {
  if (spec.startsWith('@/')) return spec.slice(2);
  if (spec.startsWith('.')) return path.join(path.dirname(from), spec);
  return undefined;
}

describe('architecture', () => {
  it('each AWS SDK command is constructed in exactly one place, under lib/aws', () => {
    const seen = new Map<string, string[]>();
    for (const file of sourceFiles('.').filter((f) => !isTest(f) && !f.startsWith('scripts/'))) {
      for (const m of read(file).matchAll(/new ([A-Z][A-Za-z]+Command)\(/g)) {
        seen.set(m[1]!, [...(seen.get(m[1]!) ?? []), file]);
      }
    }
    assert.ok(seen.size > 40, 'the scan found the SDK commands');
    const outside = [...seen].filter(([, files]) => files.some((f) => !f.startsWith('lib/aws/')));
    assert.deepEqual(outside, [], 'SDK commands are constructed only under lib/aws');
    const twice = [...seen].filter(([, files]) => files.length > 1);
    assert.deepEqual(twice, [], 'each command has one home');
  });

  it('lib/aws imports only the SDK, its own modules and shared primitives, never a feature module', () => {
    const primitives = [/^lib\/async\//, /^lib\/local\//, /^lib\/iot\//, /^lib\/log\//, /^lib\/shadows\/(delta|json)$/];
    const offending: string[] = [];
    for (const file of sourceFiles('lib/aws').filter((f) => !isTest(f))) {
      for (const spec of importsOf(file)) {
        const target = resolveImport(file, spec);
        if (!target || target.startsWith('lib/aws/')) continue;
        if (!primitives.some((re) => re.test(target))) offending.push(`${file} -> ${spec}`);
      }
    }
    assert.deepEqual(offending, []);
  });

  it('emulator routes import no other route module', () => {
    const offending: string[] = [];
    for (const file of sourceFiles('emulator/http/routes').filter((f) => !f.endsWith('/index.ts'))) {
      for (const spec of importsOf(file)) {
        const target = resolveImport(file, spec);
        if (target?.startsWith('emulator/http/routes/')) offending.push(`${file} -> ${spec}`);
      }
    }
    assert.deepEqual(offending, []);
  });

  it('no source file (tests aside) is longer than 400 lines', () => {
    const long = sourceFiles('.')
      .filter((f) => !isTest(f))
      .map((f) => [f, read(f).split('\n').length - 1] as const)
      .filter(([, lines]) => lines > 400);
    assert.deepEqual(long, []);
  });
});
