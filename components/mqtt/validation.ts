/**
 * What the MQTT page checks before it asks the server anything: AWS IoT's topic and filter rules
 * (lib/mqtt/topics.ts, the same ones the broker applies), its subscription limit and payload size,
 * and JSON syntax with a position. Pure; messages fit to show beside the field.
 */
import { parseJson } from '@/lib/json/parse';
import {
  isPublishableReservedTopic,
  MAX_PAYLOAD_BYTES,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
  topicFilterProblem,
  topicNameProblem,
} from '@/lib/mqtt/topics';

export function filterProblem(filter: string, subscribed: readonly { filter: string }[]): string | undefined {
  const problem = topicFilterProblem(filter);
  if (problem) return problem;
  if (subscribed.some((s) => s.filter === filter)) return 'You are already subscribed to this filter.';
  if (subscribed.length >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
    return `AWS IoT allows ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection; remove one first.`;
  }
  return undefined;
}

export function publishTopicProblem(topic: string): string | undefined {
  const problem = topicNameProblem(topic);
  if (problem) return problem;
  if (!isPublishableReservedTopic(topic))
    return 'Topics starting with $ are reserved by AWS IoT; this one cannot be published to.';
  return undefined;
}

export function payloadProblem(payload: string, format: 'json' | 'text'): string | undefined {
  const bytes = new TextEncoder().encode(payload).length;
  if (bytes > MAX_PAYLOAD_BYTES)
    return `The payload is ${bytes} bytes; AWS IoT accepts at most ${MAX_PAYLOAD_BYTES} (128 KB).`;
  if (format === 'json') {
    const parsed = parseJson(payload);
    if (!parsed.ok) {
      return `The payload is not valid JSON: ${parsed.message} (line ${parsed.line}, column ${parsed.column}). Choose "Raw text" to send it as it is.`;
    }
  }
  return undefined;
}
