import { zipSync, type ZipOptions, type Zippable } from 'fflate';
import type { BundleFile } from './bundle';

/**
 * A zip of the bundle's files, built with fflate's zipSync (browser and server alike). Deterministic: the same
 * files and mtime give the same bytes on any machine and in any time zone.
 *
 * - Every parent folder gets its own entry, before its files, so unzip tools create it with mode 0755.
 * - Unix permissions are recorded (made by Unix): 0755 for scripts, 0600 for the private key, 0644 otherwise,
 *   which unzip and macOS Archive Utility restore.
 * - The DOS timestamp field has no time zone; it holds the mtime's UTC wall-clock time (fflate would otherwise
 *   use the local zone of whatever machine builds the zip). An extended-timestamp field (0x5455) carries the
 *   exact Unix time, which Info-ZIP, 7-Zip and macOS use when present.
 */
export function zipBundle(files: BundleFile[], opts: { mtime?: Date } = {}): Uint8Array {
  const mtime = clampToZipRange(opts.mtime ?? new Date());
  const dosTime = new Date(
    mtime.getUTCFullYear(),
    mtime.getUTCMonth(),
    mtime.getUTCDate(),
    mtime.getUTCHours(),
    mtime.getUTCMinutes(),
    mtime.getUTCSeconds(),
  );
  const extra = { 21589: extendedTimestamp(mtime) };
  // External attributes: Unix mode in the high 16 bits, MS-DOS attributes (0x10: directory) in the low ones.
  const attrs = (mode: number, dos = 0) => ({ os: 3, mtime: dosTime, extra, attrs: mode * 0x10000 + dos });

  const tree: Zippable = {};
  const seen = new Map<string, string>();
  const claim = (path: string, kind: 'file' | 'folder') => {
    // Windows and macOS file systems ignore case: two names differing only in case would overwrite each other.
    const folded = path.toLowerCase();
    const previous = seen.get(folded);
    if (previous !== undefined) {
      if (previous === `folder:${path}` && kind === 'folder') return false;
      throw new Error(`The bundle has two entries named ${JSON.stringify(path)}.`);
    }
    seen.set(folded, `${kind}:${path}`);
    return true;
  };

  const encoder = new TextEncoder();
  for (const file of files) {
    const path = checkPath(file.path);
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const folder = segments.slice(0, i).join('/');
      // fflate writes `folder/` for a key whose value is an (empty) directory object.
      if (claim(folder, 'folder')) tree[folder] = [{}, { ...attrs(0o040755, 0x10), level: 0 }];
    }
    claim(path, 'file');
    const mode = 0o100000 | ((file.mode ?? (file.executable ? 0o755 : 0o644)) & 0o7777);
    const bytes = typeof file.content === 'string' ? encoder.encode(file.content) : file.content;
    tree[path] = [bytes, { ...attrs(mode), level: 6 } satisfies ZipOptions];
  }
  return zipSync(tree);
}

/** Relative, forward-slash paths with no empty, `.` or `..` segment. */
function checkPath(path: string): string {
  const segments = path.split('/');
  if (
    !path ||
    path.startsWith('/') ||
    path.includes('\\') ||
    path.includes('\0') ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  ) {
    throw new Error(`Not a safe path inside a zip: ${JSON.stringify(path)}.`);
  }
  return path;
}

/** DOS dates cover 1980-2107 (fflate: up to 2099). */
function clampToZipRange(date: Date): Date {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new RangeError('zipBundle: mtime is not a valid date.');
  return new Date(Math.min(Math.max(t, Date.UTC(1980, 0, 1)), Date.UTC(2099, 11, 31, 23, 59, 58)));
}

/** Info-ZIP extended timestamp: flags (bit 0: modification time present) and the Unix time, little-endian. */
function extendedTimestamp(date: Date): Uint8Array {
  const seconds = Math.floor(date.getTime() / 1000) >>> 0;
  return new Uint8Array([1, seconds & 0xff, (seconds >>> 8) & 0xff, (seconds >>> 16) & 0xff, (seconds >>> 24) & 0xff]);
}
