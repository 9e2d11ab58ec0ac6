import { bundleFolderKey } from '../../bundle/bundle';
import { MAX_ATTRIBUTES_WITH_TYPE, MAX_ATTRIBUTES_WITHOUT_TYPE } from '../../validation/iot-names';
import { awsNameProblem } from '../../validation/messages';
import { CsvError, parseCsv } from '../../csv/csv';

/**
 * The bulk device list: from a CSV (header row; columns name, attributes as `k=v;k2=v2`, type, group) or
 * from a prefix and a count, and each row checked by AWS's rules before anything is created: the name, the
 * same name twice in the list, attributes (names, values, 3 without a thing type, 50 with one), type and
 * group names. What only AWS knows (the thing exists already, the type or group does not) is added by the
 * server (lib/onboarding/bulk/preview.ts). Pure.
 */
export const MAX_DEVICES = 5_000;
export const MAX_CSV_CHARS = 900_000;
export const COLUMNS = ['name', 'attributes', 'type', 'group'] as const;

export interface BulkRow {
  /** Line in the CSV (or position in the generated list), 1-based. */
  line: number;
  thingName: string;
  attributes: Record<string, string>;
  thingTypeName?: string;
  thingGroupName?: string;
  errors: string[];
}

export type ListResult = { ok: true; rows: BulkRow[] } | { ok: false; error: string };

/** `k=v;k2=v2` into a record; problems into `errors`. Values may contain `=` (AWS allows it), names may not. */
export function parseAttributes(text: string, errors: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const trimmed = text.trim();
  if (!trimmed) return out;
  for (const part of trimmed.split(';')) {
    const pair = part.trim();
    if (!pair) continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      errors.push(`Attribute "${pair}": write it as name=value.`);
      continue;
    }
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const n = awsNameProblem('attributeName', name);
    if (n) errors.push(`Attribute name "${name}": ${n}`);
    // An empty value is allowed here as AWS allows it (the attribute is stored empty).
    const v = value ? awsNameProblem('attributeValue', value) : undefined;
    if (v) errors.push(`Value of attribute "${name}": ${v}`);
    if (name in out) errors.push(`Attribute "${name}" is given twice.`);
    out[name] = value;
  }
  return out;
}

function checkRow(row: BulkRow): void {
  const n = awsNameProblem('thingName', row.thingName);
  if (!row.thingName) row.errors.unshift('The name is empty.');
  else if (n) row.errors.unshift(`Name "${row.thingName}": ${n}`);
  if (row.thingTypeName !== undefined) {
    const t = awsNameProblem('thingTypeName', row.thingTypeName);
    if (t) row.errors.push(`Thing type "${row.thingTypeName}": ${t}`);
  }
  if (row.thingGroupName !== undefined) {
    const g = awsNameProblem('thingGroupName', row.thingGroupName);
    if (g) row.errors.push(`Thing group "${row.thingGroupName}": ${g}`);
  }
  const count = Object.keys(row.attributes).length;
  const max = row.thingTypeName ? MAX_ATTRIBUTES_WITH_TYPE : MAX_ATTRIBUTES_WITHOUT_TYPE;
  if (count > max) {
    row.errors.push(
      row.thingTypeName
        ? `${count} attributes: a thing holds at most ${max}.`
        : `${count} attributes: without a thing type a thing holds at most ${max} (give it a type for up to ${MAX_ATTRIBUTES_WITH_TYPE}).`,
    );
  }
}

/**
 * Marks every repeat of a name, the way AWS and the job's zip will see the list: the same name twice (AWS
 * thing names are case-sensitive, so only an exact repeat is the same thing), and two names that would get
 * one folder in the zip (names differing only in upper and lower case, or in `:` versus `_`: see
 * bundleFolderKey). The later row gets the problem, naming both rows, so leaving it out resolves the pair.
 */
export function markDuplicates(rows: BulkRow[]): void {
  const first = new Map<string, number>();
  const folders = new Map<string, BulkRow>();
  for (const row of rows) {
    if (!row.thingName) continue;
    const seen = first.get(row.thingName);
    if (seen !== undefined) {
      row.errors.push(`The name ${row.thingName} is already on line ${seen}.`);
      continue;
    }
    first.set(row.thingName, row.line);
    const key = bundleFolderKey(row.thingName);
    const other = folders.get(key);
    if (other) row.errors.push(folderCollision(row, other));
    else folders.set(key, row);
  }
}

function folderCollision(row: BulkRow, earlier: BulkRow): string {
  const why =
    row.thingName.toLowerCase() === earlier.thingName.toLowerCase()
      ? 'differ only in upper and lower case, which Windows and macOS do not tell apart'
      : 'become the same file name (":" is written as "_")';
  return `Line ${row.line} (${row.thingName}) and line ${earlier.line} (${earlier.thingName}) ${why}: their folders in the zip would collide. Rename one of them.`;
}

export function rowsFromCsv(text: string): ListResult {
  if (text.length > MAX_CSV_CHARS)
    return {
      ok: false,
      error: `The CSV is too long (at most ${MAX_CSV_CHARS.toLocaleString('en')} characters); split it into several jobs.`,
    };
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    return { ok: false, error: err instanceof CsvError ? err.message : 'The CSV could not be read.' };
  }
  if (records.length === 0)
    return {
      ok: false,
      error: 'The CSV is empty: give a header row (name,attributes,type,group) and one row per device.',
    };
  const header = records[0]!.fields.map((h) => h.trim().toLowerCase());
  const unknown = header.filter((h) => !(COLUMNS as readonly string[]).includes(h));
  if (!header.includes('name')) {
    return {
      ok: false,
      error: `The first row must be the header with a "name" column (columns: ${COLUMNS.join(', ')}); found: ${header.join(', ') || 'nothing'}.`,
    };
  }
  if (unknown.length)
    return {
      ok: false,
      error: `Unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}: the columns are ${COLUMNS.join(', ')}.`,
    };
  const twice = header.filter((h, i) => header.indexOf(h) !== i);
  if (twice.length) return { ok: false, error: `The column "${twice[0]}" is in the header twice.` };
  const data = records.slice(1);
  if (data.length === 0) return { ok: false, error: 'The CSV has a header but no devices.' };
  if (data.length > MAX_DEVICES)
    return {
      ok: false,
      error: `${data.length.toLocaleString('en')} devices: one job takes at most ${MAX_DEVICES.toLocaleString('en')}.`,
    };
  const col = (name: string) => header.indexOf(name);
  const rows = data.map((rec) => {
    const get = (name: string) => {
      const i = col(name);
      return i === -1 ? '' : (rec.fields[i] ?? '').trim();
    };
    const errors: string[] = [];
    if (rec.fields.length > header.length)
      errors.push(
        `${rec.fields.length} fields, but the header has ${header.length} (quote fields that contain commas).`,
      );
    const attributes = parseAttributes(get('attributes'), errors);
    const type = get('type');
    const group = get('group');
    const row: BulkRow = {
      line: rec.line,
      thingName: get('name'),
      attributes,
      ...(type ? { thingTypeName: type } : {}),
      ...(group ? { thingGroupName: group } : {}),
      errors,
    };
    checkRow(row);
    return row;
  });
  markDuplicates(rows);
  return { ok: true, rows };
}

export interface GeneratorInput {
  prefix: string;
  count: number;
  start: number;
  /** Zero-padded to this many digits (0: no padding). */
  digits: number;
  attributes: string;
  thingTypeName?: string;
  thingGroupName?: string;
}

/** `prefix` + a running number: sensor-0001 … sensor-0100. */
export function generatedNames(input: Pick<GeneratorInput, 'prefix' | 'count' | 'start' | 'digits'>): string[] {
  return Array.from(
    { length: input.count },
    (_, i) => `${input.prefix}${String(input.start + i).padStart(input.digits, '0')}`,
  );
}

export function rowsFromGenerator(input: GeneratorInput): ListResult {
  if (!Number.isInteger(input.count) || input.count < 1)
    return { ok: false, error: 'The count must be a whole number of at least 1.' };
  if (input.count > MAX_DEVICES)
    return { ok: false, error: `One job takes at most ${MAX_DEVICES.toLocaleString('en')} devices.` };
  if (!Number.isInteger(input.start) || input.start < 0)
    return { ok: false, error: 'The first number must be a whole number, 0 or more.' };
  if (!input.prefix) return { ok: false, error: 'Give a name prefix, for example sensor-.' };
  const rows = generatedNames(input).map((name, i) => {
    const errors: string[] = [];
    const row: BulkRow = {
      line: i + 1,
      thingName: name,
      attributes: parseAttributes(input.attributes, errors),
      ...(input.thingTypeName ? { thingTypeName: input.thingTypeName } : {}),
      ...(input.thingGroupName ? { thingGroupName: input.thingGroupName } : {}),
      errors,
    };
    checkRow(row);
    return row;
  });
  markDuplicates(rows);
  return { ok: true, rows };
}
