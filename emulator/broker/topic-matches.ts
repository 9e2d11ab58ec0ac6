import type { Aedes } from 'aedes';

/**
 * Remembers which subscriptions match a topic, for aedes's message router (mqemitter's Qlobber trie):
 * without it every PUBLISH splits its topic into levels and walks the trie again, a visible share of a
 * flood's time although a device publishes to the same few topics over and over. The answer for a
 * topic holds until a subscription is added or removed anywhere, which empties the memory; it is
 * bounded, so ever new topics cannot grow it without limit.
 *
 * This reaches into mqemitter's `_matcher`; if a later version has none, routing is left as it is.
 */
const MAX_TOPICS = 10_000;

interface Matcher {
  match(topic: string): unknown[];
  add(...args: unknown[]): unknown;
  remove(...args: unknown[]): unknown;
}

export function rememberTopicMatches(aedes: Aedes): void {
  const matcher = (aedes as unknown as { mq?: { _matcher?: Matcher } }).mq?._matcher;
  if (!matcher || typeof matcher.match !== 'function' || typeof matcher.add !== 'function') return;
  if (typeof matcher.remove !== 'function') return;
  const cache = new Map<string, unknown[]>();
  const match = matcher.match.bind(matcher);
  const add = matcher.add.bind(matcher);
  const remove = matcher.remove.bind(matcher);
  matcher.match = (topic) => {
    let found = cache.get(topic);
    if (found === undefined) {
      found = match(topic);
      if (cache.size >= MAX_TOPICS) cache.clear();
      cache.set(topic, found);
    }
    return found;
  };
  matcher.add = (...args) => {
    cache.clear();
    return add(...args);
  };
  matcher.remove = (...args) => {
    cache.clear();
    return remove(...args);
  };
}
