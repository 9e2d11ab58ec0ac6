/**
 * MQTT topic filters: their shape and which topics they match (MQTT 3.1.1 section 4.7, MQTT 5 section 4.8.2 for
 * shared subscriptions), as AWS IoT Core's broker applies them. One copy for the dashboard's MQTT page (which of
 * the tab's subscriptions a relayed message belongs to), the fleet presence tracker's topic watches and the local
 * IoT Core's SUBSCRIBE checks (through lib/mqtt/topics.ts). Pure: runs in the browser too.
 *
 * - `+` matches exactly one level, an empty one too; `#` matches its parent level and everything below it, and is
 *   valid only as the whole last level (so `a/#/b` is not a filter, and matches nothing).
 * - A filter starting with a wildcard does not match a topic starting with `$` (so `#` does not see `$aws/...`).
 * - `$share/<share name>/<filter>` is a shared subscription: it matches what `<filter>` matches (the share name
 *   only decides which subscriber of the group gets each message).
 */

const SHARE_PREFIX = '$share';

/** A shared subscription's parts, or undefined when `filter` is not one (or not a well-formed one). */
export function parseSharedFilter(filter: string): { shareName: string; filter: string } | undefined {
  if (!filter.startsWith(`${SHARE_PREFIX}/`)) return undefined;
  const rest = filter.slice(SHARE_PREFIX.length + 1);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  const shareName = rest.slice(0, slash);
  if (/[+#]/.test(shareName)) return undefined;
  return { shareName, filter: rest.slice(slash + 1) };
}

const isShared = (filter: string) => filter === SHARE_PREFIX || filter.startsWith(`${SHARE_PREFIX}/`);

/** Why `filter` is not an MQTT topic filter, or undefined when it is (AWS's size limits are lib/mqtt/topics.ts's). */
export function filterShapeProblem(filter: string): string | undefined {
  if (filter.length === 0) return 'The topic filter is empty.';
  let inner = filter;
  if (isShared(filter)) {
    const shared = parseSharedFilter(filter);
    if (!shared) {
      return 'A shared subscription is $share/<share name>/<topic filter>, the share name without / + or #.';
    }
    inner = shared.filter;
  }
  const levels = inner.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      return '# must be a whole level and the last one.';
    }
    if (level.includes('+') && level !== '+') return '+ must be a whole level.';
  }
  return undefined;
}

/** Whether `topic` (a topic name) is delivered to a subscription on `filter`. An invalid filter matches nothing. */
export function topicMatches(filter: string, topic: string): boolean {
  if (!filter || !topic) return false;
  let inner = filter;
  if (isShared(filter)) {
    const shared = parseSharedFilter(filter);
    if (!shared) return false;
    inner = shared.filter;
  }
  const f = inner.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i]!;
    if (level === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (level === '+') continue;
    if (level !== t[i] || level.includes('+') || level.includes('#')) return false;
  }
  return f.length === t.length;
}

/** The first filter in `filters` that `topic` matches, or undefined. */
export function firstMatch(filters: readonly string[], topic: string): string | undefined {
  for (const filter of filters) if (topicMatches(filter, topic)) return filter;
  return undefined;
}
