import mqttPacket from 'mqtt-packet';

/**
 * What a broker connection sends, gathered and written in few large writes instead of many small ones.
 *
 * aedes hands every delivery to the connection on its own `setImmediate` turn, and mqtt-packet writes
 * each packet as four or five small chunks corked until the next tick; over TLS that made one
 * encryption, one TLS record and one system call per message (a QoS 0 flood spent more time there than
 * in the broker itself). An outbox encodes each packet straight into a buffer it fills from front to
 * back, and writes what gathered as one chunk:
 * - a PUBLISH at the end of the event-loop turn, with every other PUBLISH of that turn;
 * - a control packet (PUBACK, SUBACK, ...) before the event loop moves on (next tick), as mqtt-packet
 *   did, with whatever was queued before it, so packets leave in the order aedes wrote them and an
 *   acknowledgement waits for no turn;
 * - a CONNACK at once, with whatever was queued before it: aedes sets the session up further after it
 *   (its queued messages, registration), which the client need not wait for;
 * - either at once when {@link FLUSH_AT} bytes are waiting.
 * Queuing answers as the stream's `write` would: false while the socket is full (it still has unsent
 * data and will emit 'drain'), so aedes waits for 'drain' on a slow subscriber, as before; what is queued
 * meanwhile still goes out with the next flush. Callbacks given to {@link afterTurn} run after the
 * turn's flush, one timer for all of them.
 */
const FLUSH_AT = 8 * 1024;
/**
 * Size of each buffer packets are encoded into (a larger packet gets one of its own size); a connection
 * keeps at most one, so an idle connection holds at most this much.
 */
const BUFFER_BYTES = 8 * 1024;

type Packet = mqttPacket.Packet;
type PublishPacket = mqttPacket.IPublishPacket;
type Stream = NodeJS.WritableStream & { destroyed?: boolean; writableNeedDrain?: boolean; writableEnded?: boolean };

export class Outbox {
  /** Packets are encoded into `buffer`; bytes [start, end) are queued, [end, length) are free. */
  private buffer = EMPTY;
  private start = 0;
  private end = 0;
  private tickScheduled = false;
  private turnScheduled = false;
  private callbacks: (() => void)[] = [];

  constructor(private readonly stream: Stream) {}

  /**
   * Queues a PUBLISH (at `qos` when given, the packet's own otherwise); false, as from a stream's
   * `write`, when the connection wants 'drain' first. Throws on a packet that cannot be encoded.
   */
  publish(packet: PublishPacket, protocolVersion: number, qos: 0 | 1 = packet.qos as 0 | 1): boolean {
    if (protocolVersion === 5) {
      this.append(mqttPacket.generate(qos === packet.qos ? packet : { ...packet, qos, dup: false }, V5));
    } else {
      const size = publishSize(packet, qos);
      this.end = encodePublishInto(this.reserve(size), this.end, packet, qos);
    }
    if (this.end - this.start >= FLUSH_AT) return this.flush();
    this.scheduleTurn();
    return !this.stream.writableNeedDrain;
  }

  /** Queues a control packet, written before the event loop moves on. Throws on one that cannot be encoded. */
  control(packet: Packet, protocolVersion: number): boolean {
    const p = packet as Packet & { reasonCode?: number; properties?: unknown; messageId?: number };
    const v5 = protocolVersion === 5;
    if (p.cmd === 'connack') {
      const connack = p as mqttPacket.IConnackPacket;
      if (!v5 && typeof connack.returnCode === 'number') {
        // MQTT 3.1.1 and 3.1: four bytes, as mqtt-packet writes them.
        const out = this.reserve(4);
        out[this.end] = 0x20;
        out[this.end + 1] = 0x02;
        out[this.end + 2] = connack.sessionPresent ? 0x01 : 0x00;
        out[this.end + 3] = connack.returnCode;
        this.end += 4;
      } else {
        this.append(mqttPacket.generate(packet, { protocolVersion: protocolVersion as 3 | 4 | 5 }));
      }
      return this.flush();
    }
    if (p.cmd === 'puback' && typeof p.messageId === 'number' && (!v5 || (!p.properties && !p.reasonCode))) {
      // A PUBACK without properties and reason (success), as mqtt-packet writes it: MQTT 3.1.1 and an
      // MQTT 5 reason code 0 in four bytes; an MQTT 5 PUBACK with no reason code given carries 0x00 and
      // an empty property length.
      const long = v5 && p.reasonCode === undefined;
      const out = this.reserve(long ? 6 : 4);
      out[this.end] = 0x40;
      out[this.end + 1] = long ? 0x04 : 0x02;
      out.writeUInt16BE(p.messageId, this.end + 2);
      if (long) {
        out[this.end + 4] = 0;
        out[this.end + 5] = 0;
      }
      this.end += long ? 6 : 4;
    } else {
      this.append(mqttPacket.generate(packet, { protocolVersion: protocolVersion as 3 | 4 | 5 }));
    }
    if (this.end - this.start >= FLUSH_AT) return this.flush();
    if (!this.tickScheduled) {
      this.tickScheduled = true;
      process.nextTick(flushTick, this);
    }
    return !this.stream.writableNeedDrain;
  }

  /** Runs `cb` once this turn's packets were written (for aedes's completion callbacks). */
  afterTurn(cb: () => void): void {
    this.callbacks.push(cb);
    this.scheduleTurn();
  }

  /** Writes what is queued as one chunk; returns what the stream's `write` said. */
  flush(): boolean {
    if (this.end === this.start) return !this.stream.writableNeedDrain;
    const data = this.buffer.subarray(this.start, this.end);
    // The stream owns those bytes now; later packets go after them.
    this.start = this.end;
    // A connection closed meanwhile: aedes learns it from the stream's own events.
    if (this.stream.destroyed || this.stream.writableEnded) return true;
    return this.stream.write(data);
  }

  /** @internal */
  flushTurn() {
    this.turnScheduled = false;
    this.flush();
    const callbacks = this.callbacks;
    if (callbacks.length === 0) return;
    this.callbacks = [];
    for (const cb of callbacks) cb();
  }

  /** @internal */
  flushTick() {
    this.tickScheduled = false;
    this.flush();
  }

  private scheduleTurn() {
    if (!this.turnScheduled) {
      this.turnScheduled = true;
      setImmediate(flushTurn, this);
    }
  }

  /** The buffer to encode `size` more bytes into at `this.end` (queued bytes move to a new one if needed). */
  private reserve(size: number): Buffer {
    if (this.end + size <= this.buffer.length) return this.buffer;
    const queued = this.end - this.start;
    const next = Buffer.allocUnsafe(Math.max(BUFFER_BYTES, queued + size));
    this.buffer.copy(next, 0, this.start, this.end);
    this.buffer = next;
    this.start = 0;
    this.end = queued;
    return next;
  }

  private append(frame: Buffer) {
    this.reserve(frame.length).set(frame, this.end);
    this.end += frame.length;
  }
}

const V5 = { protocolVersion: 5 } as const;

function flushTurn(outbox: Outbox) {
  outbox.flushTurn();
}

function flushTick(outbox: Outbox) {
  outbox.flushTick();
}

/** Bytes of an MQTT 3.1.1 PUBLISH of `packet` at `qos`. Throws on a packet that has no valid encoding. */
function publishSize(packet: PublishPacket, qos: 0 | 1): number {
  if (typeof packet.topic !== 'string') throw new Error('Invalid topic');
  if (qos > 0 && typeof packet.messageId !== 'number') throw new Error('Invalid messageId');
  const payload = packet.payload ?? EMPTY;
  const remaining =
    2 +
    Buffer.byteLength(packet.topic) +
    (qos > 0 ? 2 : 0) +
    (typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length);
  return 1 + varintBytes(remaining) + remaining;
}

/**
 * Writes an MQTT 3.1.1 (or 3.1) PUBLISH at `qos` into `out` at `at` and returns where it ends: fixed
 * header, remaining length, topic, packet identifier (QoS 1), payload; what mqtt-packet writes, without
 * its chunking. A QoS 0 PUBLISH never carries DUP [MQTT-3.3.1-2]. `out` must have room (publishSize).
 */
function encodePublishInto(out: Buffer, at: number, packet: PublishPacket, qos: 0 | 1): number {
  const payload = packet.payload ?? EMPTY;
  const lengthAt = at + 1;
  out[at] = 0x30 | (qos > 0 && packet.dup ? 0x08 : 0) | (qos << 1) | (packet.retain ? 0x01 : 0);
  // The remaining length is known only once the topic is written; reserve its bytes from the total.
  const topicBytes = Buffer.byteLength(packet.topic);
  const payloadBytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + payloadBytes;
  let p = writeVarint(out, lengthAt, remaining);
  out.writeUInt16BE(topicBytes, p);
  p += 2;
  p += out.write(packet.topic, p, 'utf8');
  if (qos > 0) {
    out.writeUInt16BE(packet.messageId!, p);
    p += 2;
  }
  if (typeof payload === 'string') p += out.write(payload, p, 'utf8');
  else {
    out.set(payload, p);
    p += payload.length;
  }
  return p;
}

/** An MQTT 3.1.1 PUBLISH at `qos` as a buffer of its own (see encodePublishInto). */
export function encodePublish(packet: PublishPacket, qos: 0 | 1 = packet.qos as 0 | 1): Buffer {
  const out = Buffer.allocUnsafe(publishSize(packet, qos));
  encodePublishInto(out, 0, packet, qos);
  return out;
}

const varintBytes = (n: number) => (n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4);

function writeVarint(out: Buffer, at: number, value: number): number {
  let rest = value;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out[at++] = byte;
  } while (rest > 0);
  return at;
}

const EMPTY = Buffer.alloc(0);
