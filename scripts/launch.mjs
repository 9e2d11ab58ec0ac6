/**
 * `npm start`, `npm run dev`, `npm run emulator`: run a compiled entry point from dist/, compiling it first
 * when its TypeScript sources are newer. Plain JavaScript on purpose: a production install (`npm run build`,
 * then `npm prune --omit=dev`) has no TypeScript runner and no esbuild, and runs what the build compiled.
 *
 *   node scripts/launch.mjs start [--dev]   the launcher (scripts/start.ts): emulator + dashboard
 *   node scripts/launch.mjs emulator        the local IoT Core on its own (emulator/main.ts)
 *   node scripts/launch.mjs compile         compile every entry point (part of `npm run build`)
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY_POINTS = { start: 'scripts/start.ts', emulator: 'emulator/main.ts' };
/** Everything an entry point may import from this repository. */
const SOURCE_DIRS = ['scripts', 'emulator', 'lib'];
const SKIP = /(^|\/)(node_modules|test|__tests__)(\/|$)|\.test\.tsx?$/;

const outFile = (name) => path.join(root, 'dist', `${name}.mjs`);

function newestSource() {
  let newest = statSync(path.join(root, 'package.json')).mtimeMs;
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })) {
      const file = path.join(entry.parentPath, entry.name);
      if (entry.isFile() && /\.tsx?$/.test(entry.name) && !SKIP.test(file)) {
        newest = Math.max(newest, statSync(file).mtimeMs);
      }
    }
  }
  return newest;
}

function loadEsbuild() {
  try {
    return createRequire(import.meta.url)('esbuild');
  } catch {
    return undefined;
  }
}

async function compile(names) {
  const esbuild = loadEsbuild();
  if (!esbuild) return false;
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(names.map((name) => [name, ENTRY_POINTS[name]])),
    outdir: path.join(root, 'dist'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Packages stay in node_modules (they are dependencies of a production install); only our code is bundled.
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    // 'server-only' guards Next bundles; the launcher and emulator import shared lib code outside Next.
    conditions: ['react-server'],
  });
  return true;
}

const [command = 'start', ...rest] = process.argv.slice(2);
if (command === 'compile') {
  if (!(await compile(Object.keys(ENTRY_POINTS)))) {
    console.error('esbuild is missing: install the dev dependencies (npm install) to compile.');
    process.exit(1);
  }
} else if (command in ENTRY_POINTS) {
  const file = outFile(command);
  const stale = !existsSync(file) || statSync(file).mtimeMs < newestSource();
  if (stale && !(await compile([command]))) {
    if (!existsSync(file)) {
      console.error(`${path.relative(root, file)} is missing: run \`npm run build\` before removing dev dependencies.`);
      process.exit(1);
    }
    console.error(`Note: ${ENTRY_POINTS[command]} changed since the last build; running the compiled one.`);
  }
  process.argv = [process.argv[0], file, ...rest];
  await import(pathToFileURL(file).href);
} else {
  console.error(`Unknown command "${command}": use start, emulator or compile.`);
  process.exit(2);
}
