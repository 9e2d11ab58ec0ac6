/** Dates as a person reads them in a table: `2026-03-14 09:26 UTC` (server and browser agree, no locale drift). */
export function formatDateTime(date: Date | undefined): string {
  if (!date || Number.isNaN(date.getTime())) return '—';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatDate(date: Date | undefined): string {
  if (!date || Number.isNaN(date.getTime())) return '—';
  return date.toISOString().slice(0, 10);
}
