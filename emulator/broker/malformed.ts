import { topicFilterProblem } from '../../lib/mqtt/topics';

/**
 * Topics aedes itself treats as protocol violations and answers by dropping the connection without a word: a
 * PUBLISH to an empty topic (no alias) or one with a wildcard, a SUBSCRIBE filter with a misplaced `#` or `+`.
 * AWS IoT Core answers these as it answers any topic it refuses: an MQTT 5 PUBACK 0x90 (Topic Name invalid) or a
 * SUBACK 0x8F (Topic Filter invalid) for that filter alone; MQTT 3.1.1 ends the connection on the PUBLISH and gets
 * SUBACK 0x80 for the filter. So the broker's packet hook marks such a topic with why it is refused and hands
 * aedes a harmless stand-in; the authorisation hooks see the mark and refuse with AWS's reason code.
 */
export const MALFORMED = Symbol('malformed-topic');
export type Markable = { topic: string; [MALFORMED]?: string };

/** Stand-ins under the broker's own reserved space: no client may publish or subscribe there. */
const STAND_IN = '$aws/emulator-malformed';

/** A PUBLISH whose topic aedes would drop the connection for: marked, its topic replaced. Cheap for the rest. */
export function markMalformedPublish(packet: Markable & { properties?: { topicAlias?: number } }): void {
  const topic = packet.topic;
  let why: string | undefined;
  if (topic.length === 0 && packet.properties?.topicAlias === undefined) why = 'The topic is empty.';
  else if (topic.includes('+') || topic.includes('#')) why = 'A topic name cannot contain the wildcards + or #.';
  if (!why) return;
  packet[MALFORMED] = why;
  packet.topic = STAND_IN;
}

/** A SUBSCRIBE filter that is no topic filter at all: marked, its topic replaced by a stand-in unique in the packet. */
export function markMalformedFilter(sub: Markable, index: number): void {
  const why = topicFilterProblem(sub.topic);
  if (!why) return;
  sub[MALFORMED] = why;
  sub.topic = `${STAND_IN}/${index}`;
}

/** Why a topic the packet hook marked is refused, if it marked it. */
export const malformedReason = (entry: object): string | undefined => (entry as Markable)[MALFORMED];
