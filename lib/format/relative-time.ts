/**
 * "3 s ago", "5 min ago", "2 h ago", "4 d ago" — how long ago an epoch-millisecond instant was, and the
 * absolute time for a tooltip. A time slightly in the future (clock skew) reads "just now".
 */
export function formatRelative(thenMs: number, nowMs: number): string {
  const seconds = Math.floor((nowMs - thenMs) / 1000);
  if (seconds < 1) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return `${days} d ago`;
}

/** `2025-03-04 13:05:09 UTC`: the same text on server and browser (no locale), for title attributes. */
export function formatAbsolute(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** How often a relative time needs redrawing to stay right at its current granularity. */
export function refreshInterval(thenMs: number, nowMs: number): number {
  const age = nowMs - thenMs;
  if (age < 60_000) return 1000;
  if (age < 3_600_000) return 15_000;
  return 300_000;
}
