import mqttPacket from 'mqtt-packet';

/**
 * The messages a broker connection sends, written once per event-loop turn instead of once each.
 *
 * aedes hands every delivery to the connection on its own `setImmediate` turn, and mqtt-packet writes
 * each PUBLISH as four or five small chunks corked until the next tick; over TLS that made one
 * encryption, one TLS record and one system call per message (a QoS 0 flood spent more time there than
 * in the broker itself). An outbox encodes each PUBLISH into one buffer and flushes what gathered on a
 * connection in one write at the end of the turn, or at once when it holds {@link FLUSH_AT} bytes or the
 * socket is already full (so aedes still waits for 'drain' on a slow subscriber, as before).
 *
 * Control packets (CONNACK, PUBACK, SUBACK, ...) are not held: the outbox is flushed before one is
 * written, so every packet leaves in the order aedes wrote it.
 */
const FLUSH_AT = 16 * 1024;

type PublishPacket = mqttPacket.IPublishPacket;
type Stream = NodeJS.WritableStream & { destroyed?: boolean; writableNeedDrain?: boolean; writableEnded?: boolean };

export class Outbox {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private scheduled = false;

  constructor(private readonly stream: Stream) {}

  /** Queues a PUBLISH; false (as from a stream's `write`) when the connection wants 'drain' first. */
  publish(packet: PublishPacket, protocolVersion: number): boolean {
    const frame = protocolVersion === 5 ? mqttPacket.generate(packet, { protocolVersion: 5 }) : encodePublish(packet);
    this.chunks.push(frame);
    this.bytes += frame.length;
    if (this.bytes >= FLUSH_AT || this.stream.writableNeedDrain) return this.flush();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(flushScheduled, this);
    }
    return true;
  }

  /** Writes what is queued as one chunk; returns what the stream's `write` said. */
  flush(): boolean {
    this.scheduled = false;
    const n = this.chunks.length;
    if (n === 0) return true;
    const data = n === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes);
    this.chunks = [];
    this.bytes = 0;
    // A connection closed meanwhile: aedes learns it from the stream's own events.
    if (this.stream.destroyed || this.stream.writableEnded) return true;
    return this.stream.write(data);
  }
}

function flushScheduled(outbox: Outbox) {
  outbox.flush();
}

/**
 * An MQTT 3.1.1 (or 3.1) PUBLISH as one buffer: fixed header, remaining length, topic, packet identifier
 * (QoS 1), payload. What mqtt-packet writes, without its chunking; MQTT 5 goes through mqtt-packet.
 */
export function encodePublish(packet: PublishPacket): Buffer {
  const qos = packet.qos ?? 0;
  const payload = packet.payload ?? EMPTY;
  const topic = packet.topic;
  if (typeof topic !== 'string') return mqttPacket.generate(packet, { protocolVersion: 4 });
  const topicBytes = Buffer.byteLength(topic);
  const payloadBytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (qos > 0 && typeof packet.messageId !== 'number') throw new Error('Invalid messageId');
  const remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + payloadBytes;
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
  const out = Buffer.allocUnsafe(1 + lengthBytes + remaining);
  out[0] = 0x30 | (packet.dup ? 0x08 : 0) | (qos << 1) | (packet.retain ? 0x01 : 0);
  let at = 1;
  let rest = remaining;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out[at++] = byte;
  } while (rest > 0);
  out.writeUInt16BE(topicBytes, at);
  at += 2;
  at += out.write(topic, at, 'utf8');
  if (qos > 0) {
    out.writeUInt16BE(packet.messageId!, at);
    at += 2;
  }
  if (typeof payload === 'string') out.write(payload, at, 'utf8');
  else out.set(payload, at);
  return out;
}

const EMPTY = Buffer.alloc(0);
