/**
 * Export of the messages shown, as JSON and as CSV (lib/csv: RFC 4180 with CRLF between records, and cells a
 * spreadsheet would run as formulas neutralised). Pure, except `downloadText`.
 */
import { toCsv } from '@/lib/csv/csv';

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

export function messagesToCsv(messages: readonly ShownMessage[]): string {
  const rows = messages.map((m) => {
    const e = toExported(m);
    return [e.receivedAt, e.topic, String(e.qos), String(e.retain), e.encoding, e.payload];
  });
  return toCsv([[...CSV_COLUMNS], ...rows], { eol: '\r\n' });
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
