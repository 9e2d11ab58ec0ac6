/**
 * The simulated devices' side of the fleet provisioning benchmark, kept cheap so the 32 devices cost little next
 * to the emulator they measure (as broker-wire.ts does for the broker bench): MQTT 3.1.1 over mutual TLS with
 * packets written by mqtt-packet and frames only split, a TLS context made once per identity, and the broker
 * verified as `localhost` at 127.0.0.1 without a name lookup per connect.
 */
import tls from 'node:tls';
import { CONNACK, encode, FrameSplitter, PUBLISH, SUBACK } from './broker-wire';

export class FleetWireClient {
  private handler: (type: number, flags: number, body: Buffer) => void = () => {};
  private readonly answers = new Map<string, (payload: Buffer) => void>();
  private nextId = 1;

  private constructor(private readonly socket: tls.TLSSocket) {}

  /** Connects (TLS, CONNECT, CONNACK 0) as `clientId` with the identity in `context`. */
  static connect(port: number, context: tls.SecureContext, clientId: string): Promise<FleetWireClient> {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', secureContext: context });
    socket.setNoDelay(true);
    const client = new FleetWireClient(socket);
    const splitter = new FrameSplitter((type, flags, body) => client.handler(type, flags, body));
    socket.on('data', (d: Buffer) => splitter.push(d));
    return new Promise((resolve, reject) => {
      const fail = (err?: Error) => reject(err ?? new Error(`${clientId}: connection closed before CONNACK`));
      socket.once('error', fail);
      socket.once('close', () => fail());
      client.handler = (type, _flags, body) => {
        if (type !== CONNACK) return;
        socket.off('error', fail);
        socket.removeAllListeners('close');
        socket.on('error', () => {});
        if (body[1] !== 0) return reject(new Error(`${clientId}: CONNACK ${body[1]}`));
        client.handler = (t, f, b) => client.onFrame(t, f, b);
        resolve(client);
      };
      socket.once('secureConnect', () =>
        socket.write(encode({ cmd: 'connect', clientId, clean: true, keepalive: 300, protocolVersion: 4 })),
      );
    });
  }

  private subscribed: (() => void) | undefined;

  private onFrame(type: number, flags: number, body: Buffer) {
    if (type === SUBACK) this.subscribed?.();
    if (type !== PUBLISH) return;
    const topicLength = body.readUInt16BE(0);
    const topic = body.toString('utf8', 2, 2 + topicLength);
    const qos = (flags >> 1) & 0x03;
    let at = 2 + topicLength;
    if (qos > 0) {
      this.socket.write(encode({ cmd: 'puback', messageId: body.readUInt16BE(at) }));
      at += 2;
    }
    this.answers.get(topic)?.(body.subarray(at));
  }

  /** One SUBSCRIBE for every filter, QoS 1; resolves on SUBACK. */
  subscribe(filters: string[]): Promise<void> {
    return new Promise((resolve) => {
      this.subscribed = resolve;
      this.socket.write(
        encode({
          cmd: 'subscribe',
          messageId: this.nextId++,
          subscriptions: filters.map((topic) => ({ topic, qos: 1 })),
        }),
      );
    });
  }

  /**
   * Publishes a fleet provisioning request (QoS 1) and resolves with the JSON on `<request>/accepted`, or throws
   * what `<request>/rejected` says.
   */
  ask(request: string, body: object): Promise<Record<string, string>> {
    return new Promise((resolve, reject) => {
      const settle = (payload: Buffer, accepted: boolean) => {
        this.answers.delete(`${request}/accepted`);
        this.answers.delete(`${request}/rejected`);
        const doc = JSON.parse(payload.toString('utf8')) as Record<string, string>;
        if (accepted) resolve(doc);
        else reject(new Error(`${request}: ${doc.errorCode}: ${doc.errorMessage}`));
      };
      this.answers.set(`${request}/accepted`, (p) => settle(p, true));
      this.answers.set(`${request}/rejected`, (p) => settle(p, false));
      this.socket.write(
        encode({
          cmd: 'publish',
          topic: request,
          payload: Buffer.from(JSON.stringify(body)),
          qos: 1,
          messageId: this.nextId++,
          retain: false,
          dup: false,
        }),
      );
    });
  }

  /** DISCONNECT, and resolves once the socket has closed. */
  close(): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end(encode({ cmd: 'disconnect' }));
    });
  }
}
