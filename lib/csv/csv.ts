/**
 * CSV, read and written in one place. Reading as spreadsheets write it (RFC 4180): comma-separated, fields optionally in double quotes, a doubled quote
 * inside quotes is one quote, quoted fields may hold commas and line breaks; CRLF or LF; a UTF-8 BOM is
 * ignored. Pure.
 */
export interface CsvRecord {
  /** 1-based line where the record starts (for messages). */
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

export function parseCsv(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quotedField = false;
  const endField = () => {
    fields.push(quotedField ? field : field.trim());
    field = '';
    quotedField = false;
  };
  const endRecord = () => {
    endField();
    // A blank line is no record.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '"' && field.trim() === '' && !quotedField) {
      // A quoted field: read to the closing quote.
      const startLine = line;
      field = '';
      i++;
      for (;;) {
        if (i >= src.length)
          throw new CsvError(`Line ${startLine}: a quoted field is not closed (a " is missing).`, startLine);
        const c = src[i]!;
        if (c === '"') {
          if (src[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        field += c;
        i++;
      }
      quotedField = true;
      // Only spaces may follow the closing quote before the separator.
      while (i < src.length && (src[i] === ' ' || src[i] === '\t')) i++;
      if (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') {
        throw new CsvError(
          `Line ${line}: text after a closing quote (put the whole field in quotes, and double any " inside).`,
          line,
        );
      }
      continue;
    }
    if (ch === ',') {
      endField();
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    if (quotedField) throw new CsvError(`Line ${line}: text after a closing quote.`, line);
    field += ch;
    i++;
  }
  if (field !== '' || quotedField || fields.length) endRecord();
  return records;
}

/**
 * A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a
 * formula: an exported MQTT payload or device name like `=HYPERLINK(...)` would become a link or a command when
 * the operator opens the export. Such a cell is written with a leading `'`, which spreadsheets show as text
 * (OWASP's advice for CSV injection).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A CSV field: neutralised when a spreadsheet would read it as a formula, quoted when it needs to be. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || /^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows as CSV; every export goes through here (manifests, the MQTT client's export, the audit trail). */
export function toCsv(rows: readonly (readonly string[])[], opts: { eol?: '\n' | '\r\n' } = {}): string {
  const eol = opts.eol ?? '\n';
  return rows.map((r) => r.map(csvCell).join(',')).join(eol) + eol;
}
