/**
 * CSV as spreadsheets write it (RFC 4180): comma-separated, fields optionally in double quotes, a doubled quote
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

/** A CSV field, quoted when it needs to be. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
