/**
 * Export of the messages shown, as JSON and as CSV (RFC 4180: every field quoted when it holds a comma,
 * a quote or a line break, quotes doubled, CRLF between records). Pure, except `downloadText`.
 */
import type { ShownMessage } from './messages';

export interface ExportedMessage {
  receivedAt: string;
  topic: string;
  qos: number;
  retain: boolean;
  encoding: 'utf8' | 'base64';
  payload: string;
}

export const CSV_COLUMNS = ['receivedAt', 'topic', 'qos', 'retain', 'encoding', 'payload'] as const;

export function toExported(m: ShownMessage): ExportedMessage {
  return {
    receivedAt: new Date(m.receivedAt).toISOString(),
    topic: m.topic,
    qos: m.qos,
    retain: m.retain,
    encoding: m.encoding,
    payload: m.payload,
  };
}

export function messagesToJson(messages: readonly ShownMessage[]): string {
  return JSON.stringify(messages.map(toExported), null, 2) + '\n';
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

export function messagesToCsv(messages: readonly ShownMessage[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const m of messages) {
    const e = toExported(m);
    lines.push([e.receivedAt, e.topic, String(e.qos), String(e.retain), e.encoding, e.payload].map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** RFC 4180 parsing (for tests and anyone reading an export back). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      i++;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\r' || ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Saves `text` as a file through a Blob and a temporary link (browser only). */
export function downloadText(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
