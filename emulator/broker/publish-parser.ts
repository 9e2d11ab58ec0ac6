/**
 * A broker connection's incoming bytes, cut into packets here, with MQTT 3.1.1 PUBLISH packets (the bulk
 * of any traffic) read in place and every other packet handed whole to the connection's mqtt-packet
 * parser, which aedes created and listens to.
 *
 * mqtt-packet reads each packet through a buffer list, a step at a time, and logs each step through
 * `debug` (disabled, but asked every time): a QoS 0 flood spent a fifth of the broker's time there. A
 * PUBLISH read here is the packet mqtt-packet makes of the same bytes (same fields, payload a view of
 * the bytes read, topic decoded as UTF-8 alike), emitted as its 'packet' event. A PUBLISH it could not
 * read (a topic or packet identifier past the packet's end, both QoS bits set) and MQTT 5 go to
 * mqtt-packet like the rest, which says what is wrong as it always did. Packets keep their order.
 *
 * A packet not yet whole waits here; meanwhile `parser.packet.length` tells its announced length, as
 * mqtt-packet's own does, so aedes refuses an oversized packet before its bytes arrive.
 */

/** What of mqtt-packet's parser (the one aedes gives each client) this reads and replaces. */
export interface MqttParser {
  parse(buf: Buffer): number;
  emit(event: 'packet', packet: object): boolean;
  packet: { length: number };
  error: Error | null;
  settings: { protocolVersion?: number };
}

const PUBLISH = 3;

export function readPublishInPlace(parser: MqttParser): void {
  const inner = parser.parse.bind(parser);
  /** Bytes of a packet not yet whole (first chunk first), how many, and how many the packet has (0: not known yet). */
  let waiting: Buffer[] = [];
  let waitingBytes = 0;
  let packetBytes = 0;

  parser.parse = (chunk: Buffer): number => {
    let data = chunk;
    if (waitingBytes) {
      waiting.push(chunk);
      waitingBytes += chunk.length;
      if (waitingBytes < packetBytes) return waitingBytes;
      data = Buffer.concat(waiting, waitingBytes);
      waiting = [];
      waitingBytes = 0;
      packetBytes = 0;
      parser.packet.length = -1;
    }
    let at = 0;
    while (at < data.length) {
      // Fixed header, then the remaining length: a variable byte integer of at most four bytes.
      let remaining = 0;
      let multiplier = 1;
      let i = at + 1;
      let lengthRead = false;
      while (i < data.length && i < at + 5) {
        const byte = data[i++]!;
        remaining += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if (!(byte & 0x80)) {
          lengthRead = true;
          break;
        }
      }
      if (!lengthRead && i === at + 5) {
        // A fifth length byte: malformed, as mqtt-packet will say.
        inner(data.subarray(at));
        return 0;
      }
      const end = i + remaining;
      if (!lengthRead || end > data.length) {
        waiting = [data.subarray(at)];
        waitingBytes = data.length - at;
        if (lengthRead) {
          packetBytes = end - at;
          // mqtt-packet's own parser is idle between packets here: its packet's length is ours to tell.
          parser.packet.length = remaining;
        }
        return waitingBytes;
      }
      const first = data[at]!;
      const packet =
        first >> 4 === PUBLISH && parser.settings.protocolVersion !== 5 && readPublish(data, first, i, end);
      if (packet) parser.emit('packet', packet);
      else {
        inner(data.subarray(at, end));
        // After an error aedes closes the connection; what follows is not read (as in mqtt-packet).
        if (parser.error) return 0;
      }
      at = end;
    }
    return 0;
  };
}

/** The PUBLISH in `data[from, end)` as mqtt-packet reads it, or undefined if it is not one it reads. */
function readPublish(data: Buffer, first: number, from: number, end: number) {
  const qos = (first >> 1) & 0x03;
  if (qos > 1 || end - from < 2) return undefined;
  const topicEnd = from + 2 + data.readUInt16BE(from);
  if (topicEnd > end || (qos > 0 && topicEnd + 2 > end)) return undefined;
  const topic = data.toString('utf8', from + 2, topicEnd);
  const payloadFrom = qos > 0 ? topicEnd + 2 : topicEnd;
  // The fields in mqtt-packet's order (its Packet, then the packet identifier).
  const packet: {
    cmd: 'publish';
    retain: boolean;
    qos: number;
    dup: boolean;
    length: number;
    topic: string;
    payload: Buffer;
    messageId?: number;
  } = {
    cmd: 'publish',
    retain: (first & 0x01) !== 0,
    qos,
    dup: (first & 0x08) !== 0,
    length: end - from,
    topic,
    payload: data.subarray(payloadFrom, end),
  };
  if (qos > 0) packet.messageId = data.readUInt16BE(topicEnd);
  return packet;
}
