/**
 * A minimal MQTT 3.1.1 client over mutual TLS for the broker benchmark: packets are built once with
 * mqtt-packet and written raw, and incoming frames are only split (type + body), so the load generator
 * costs little next to the broker it measures. Both brokers (the local IoT Core and mosquitto) are
 * driven by exactly this code.
 */
import tls from 'node:tls';
import mqttPacket from 'mqtt-packet';

export interface Identity {
  clientId: string;
  certPem: string;
  keyPem: string;
}

export interface Endpoint {
  host: string;
  port: number;
  caPem: string;
}

export type FrameHandler = (type: number, flags: number, body: Buffer) => void;

export const encode = (packet: mqttPacket.Packet) => mqttPacket.generate(packet, { protocolVersion: 4 });

/** A PUBLISH frame (QoS 0 or 1) for `topic`; QoS 1 frames get `messageId`. */
export function publishFrame(topic: string, payload: Buffer, qos: 0 | 1, messageId = 1): Buffer {
  return encode({ cmd: 'publish', topic, payload, qos, retain: false, dup: false, messageId });
}

/** Splits a byte stream into MQTT frames without decoding them. */
export class FrameSplitter {
  private pending: Buffer | undefined;
  constructor(private readonly onFrame: FrameHandler) {}

  push(chunk: Buffer) {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    for (;;) {
      if (buf.length - at < 2) break;
      let len = 0;
      let mul = 1;
      let i = at + 1;
      let complete = false;
      for (; i < buf.length && i < at + 5; i++) {
        const b = buf[i]!;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if ((b & 0x80) === 0) {
          complete = true;
          i++;
          break;
        }
      }
      if (!complete || buf.length - i < len) break;
      const header = buf[at]!;
      this.onFrame(header >> 4, header & 0x0f, buf.subarray(i, i + len));
      at = i + len;
    }
    this.pending = at < buf.length ? Buffer.from(buf.subarray(at)) : undefined;
  }
}

/** CONNACK type, PUBLISH, PUBACK, SUBACK as frame types. */
export const CONNACK = 2;
export const PUBLISH = 3;
export const PUBACK = 4;
export const SUBACK = 9;

export class WireClient {
  private handler: FrameHandler = () => {};
  private constructor(readonly socket: tls.TLSSocket) {}

  /**
   * Opens the TLS connection, sends CONNECT (clean session) and resolves on CONNACK 0. A refused attempt
   * is retried twice: on a loaded machine a broker may still be closing the previous session of this id.
   */
  static async connect(at: Endpoint, who: Identity): Promise<WireClient> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await WireClient.connectOnce(at, who);
      } catch (err) {
        if (attempt === 3) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private static async connectOnce(at: Endpoint, who: Identity): Promise<WireClient> {
    const socket = tls.connect({
      host: at.host,
      port: at.port,
      ca: at.caPem,
      cert: who.certPem,
      key: who.keyPem,
      servername: 'localhost',
    });
    socket.setNoDelay(true);
    socket.on('error', () => {});
    const client = new WireClient(socket);
    const splitter = new FrameSplitter((type, flags, body) => client.handler(type, flags, body));
    socket.on('data', (d: Buffer) => splitter.push(d));
    await new Promise<void>((resolve, reject) => {
      const fail = (err?: Error) => reject(err ?? new Error(`${who.clientId}: connection closed before CONNACK`));
      socket.once('error', fail);
      socket.once('close', () => fail());
      client.handler = (type, _flags, body) => {
        if (type !== CONNACK) return;
        socket.off('error', fail);
        if (body[1] !== 0) return reject(new Error(`${who.clientId}: CONNACK ${body[1]}`));
        resolve();
      };
      socket.once('secureConnect', () =>
        socket.write(
          encode({ cmd: 'connect', clientId: who.clientId, clean: true, keepalive: 300, protocolVersion: 4 }),
        ),
      );
    });
    socket.removeAllListeners('close');
    client.handler = () => {};
    return client;
  }

  onFrame(handler: FrameHandler) {
    this.handler = handler;
  }

  async subscribe(filter: string, qos: 0 | 1 = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.handler = (type, _flags, body) => {
        if (type !== SUBACK) return;
        if (body[2]! >= 0x80) reject(new Error(`SUBSCRIBE ${filter} refused`));
        else resolve();
      };
      this.socket.write(encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos }] }));
    });
    this.handler = () => {};
  }

  /** Writes `data`; resolves at once, or once the socket drained when its buffer is full. */
  write(data: Buffer): Promise<void> | undefined {
    if (this.socket.write(data)) return undefined;
    return new Promise((resolve) => this.socket.once('drain', resolve));
  }

  async close() {
    if (this.socket.destroyed) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.end(encode({ cmd: 'disconnect' }));
    const timer = setTimeout(() => this.socket.destroy(), 2000);
    await closed;
    clearTimeout(timer);
  }
}

/** One full mutual-TLS connect: handshake, CONNECT, CONNACK, DISCONNECT, and the socket closed. */
export async function connectOnce(at: Endpoint, who: Identity): Promise<void> {
  const client = await WireClient.connect(at, who);
  await client.close();
}
