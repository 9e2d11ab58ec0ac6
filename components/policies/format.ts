/** Dates as the policy pages show them: UTC, to the minute, the same on server and client. */
export function formatDate(date: Date | undefined): string {
  if (!date || Number.isNaN(date.getTime())) return '—';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The detail page's address for a policy name (names may hold + = , @, which need escaping in a path). */
export function policyHref(name: string, query?: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, v);
  const qs = params.toString();
  return `/policies/${encodeURIComponent(name)}${qs ? `?${qs}` : ''}`;
}
