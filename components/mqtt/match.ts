/**
 * MQTT topic-filter matching (MQTT 3.1.1 section 4.7), as the broker applies it: `+` matches exactly one
 * level (an empty one too), `#` matches its parent level and everything below it, and a filter starting
 * with a wildcard does not match a topic starting with `$` (so `#` does not see `$aws/...`). Pure; used in
 * the browser to tell which of the tab's subscriptions a relayed message belongs to.
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i]!;
    if (level === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** The first filter in `filters` that `topic` matches, or undefined. */
export function firstMatch(filters: readonly string[], topic: string): string | undefined {
  for (const filter of filters) if (topicMatches(filter, topic)) return filter;
  return undefined;
}
