import { unzipSync, zipSync, type ZipOptions, type Zippable } from 'fflate';

import { containsPrivateKey } from '../pki/pem';
import type { BundleFile } from './bundle';

/**
 * The dashboard's one zip writer and reader (fflate; browser and server alike): credential bundles, bulk jobs'
 * zips, the browser-signed fleet zip and the CA key download are all written by zipBundle. Deterministic: the same
 * files and mtime give the same bytes on any machine and in any time zone.
 *
 * - Every parent folder gets its own entry, before its files, so unzip tools create it with mode 0755.
 * - Unix permissions are recorded (made by Unix): 0755 for scripts, 0644 otherwise, and 0600 for any file that
 *   holds a private key, whatever the caller asked for, which unzip and macOS Archive Utility restore.
 * - The DOS timestamp field has no time zone; it holds the mtime's UTC wall-clock time (fflate would otherwise
 *   use the local zone of whatever machine builds the zip). An extended-timestamp field (0x5455) carries the
 *   exact Unix time, which Info-ZIP, 7-Zip and macOS use when present.
 */
export interface ZipWriteOptions {
  mtime?: Date;
  /**
   * DEFLATE level; 0 stores the files as they are. Default 6. The fleet zip stores: for 1,000 devices DEFLATE (even
   * level 1) took ~8 s in Chromium against ~1 s stored, for a zip half the size (PEMs are base64 and barely compress).
   */
  level?: ZipOptions['level'];
}

/** Owner read/write only: what a private key's file gets. */
export const PRIVATE_KEY_MODE = 0o600;

export function zipBundle(files: readonly BundleFile[], opts: ZipWriteOptions = {}): Uint8Array {
  const mtime = clampToZipRange(opts.mtime ?? new Date());
  const level = opts.level ?? 6;
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
    const mode = 0o100000 | (fileMode(file) & 0o7777);
    const bytes = typeof file.content === 'string' ? encoder.encode(file.content) : file.content;
    tree[path] = [bytes, { ...attrs(mode), level } satisfies ZipOptions];
  }
  return zipSync(tree);
}

/** Every file of a zip by path (folders end with `/`); throws fflate's error when the bytes are not a zip. */
export function readZip(bytes: Uint8Array): Record<string, Uint8Array> {
  return unzipSync(bytes);
}

/** Larger files are not PEM text: not worth decoding to look for a key. */
const MAX_SNIFFED_BYTES = 1024 * 1024;
const decoder = new TextDecoder();

/** The file's permission bits: what it asked for (0644, or 0755 when executable), 0600 when it holds a private key. */
function fileMode(file: BundleFile): number {
  const text =
    typeof file.content === 'string'
      ? file.content
      : file.content.length <= MAX_SNIFFED_BYTES
        ? decoder.decode(file.content)
        : '';
  if (containsPrivateKey(text)) return PRIVATE_KEY_MODE;
  return file.mode ?? (file.executable ? 0o755 : 0o644);
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
