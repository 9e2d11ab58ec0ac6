/**
 * The list of devices to sign certificates for: pasted names (one per line) or a prefix and a count, each
 * checked as AWS checks a thing name (JITP names the thing after the certificate's CN), with duplicates, names
 * whose folders in the zip would collide, and the 64-character limit of a certificate common name. Pure.
 */
import { bundleFolderKey } from '@/lib/bundle/bundle';
import { awsNameProblem } from '@/lib/validation/messages';
import { MAX_COMMON_NAME_LENGTH } from '@/lib/pki/ca-issue';

/** One browser run; a bigger fleet is several runs (and several zips). */
export const MAX_DEVICES_PER_RUN = 10_000;

export interface NameProblem {
  line: number;
  name: string;
  message: string;
}

export interface NameList {
  names: string[];
  problems: NameProblem[];
}

export function checkNames(raw: readonly string[]): NameList {
  const names: string[] = [];
  const problems: NameProblem[] = [];
  const seen = new Map<string, number>();
  // Each device's files go in a folder named after it; Windows and macOS ignore case, and `:` becomes `_`.
  const folders = new Map<string, number>();
  raw.forEach((value, i) => {
    const line = i + 1;
    const name = value.trim();
    if (!name) return;
    const problem = awsNameProblem('thingName', name);
    if (problem) {
      problems.push({ line, name, message: problem });
      return;
    }
    if (name.length > MAX_COMMON_NAME_LENGTH) {
      problems.push({
        line,
        name,
        message: `A certificate common name is at most ${MAX_COMMON_NAME_LENGTH} characters.`,
      });
      return;
    }
    const first = seen.get(name);
    if (first !== undefined) {
      problems.push({ line, name, message: `Duplicate of line ${first}.` });
      return;
    }
    const folder = bundleFolderKey(name);
    const sameFolder = folders.get(folder);
    if (sameFolder !== undefined) {
      problems.push({
        line,
        name,
        message: `Would share its folder in the zip with line ${sameFolder} (names that differ only in case, or in : and _, collide on Windows and macOS).`,
      });
      return;
    }
    seen.set(name, line);
    folders.set(folder, line);
    names.push(name);
  });
  if (names.length + problems.length === 0)
    problems.push({ line: 0, name: '', message: 'Enter at least one device name.' });
  if (names.length > MAX_DEVICES_PER_RUN) {
    problems.push({
      line: 0,
      name: '',
      message: `At most ${MAX_DEVICES_PER_RUN.toLocaleString('en-US')} devices per run; split the list.`,
    });
  }
  return { names, problems };
}

export function parseNameLines(text: string): NameList {
  return checkNames(text.split(/\r?\n/));
}

/** `prefix` + a zero-padded number from `start`, e.g. sensor-0001 … sensor-1000. */
export function namesFromPrefix(prefix: string, count: number, start = 1): NameList {
  if (!Number.isInteger(count) || count < 1)
    return { names: [], problems: [{ line: 0, name: '', message: 'The count must be a whole number of at least 1.' }] };
  if (count > MAX_DEVICES_PER_RUN) {
    return {
      names: [],
      problems: [
        { line: 0, name: '', message: `At most ${MAX_DEVICES_PER_RUN.toLocaleString('en-US')} devices per run.` },
      ],
    };
  }
  if (!Number.isInteger(start) || start < 0)
    return { names: [], problems: [{ line: 0, name: '', message: 'The first number must be 0 or more.' }] };
  const width = String(start + count - 1).length;
  return checkNames(Array.from({ length: count }, (_, i) => `${prefix}${String(start + i).padStart(width, '0')}`));
}
