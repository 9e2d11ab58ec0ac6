import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import mqttPacket from 'mqtt-packet';
import { encodePublish, Outbox } from './outbox';

const publish = (over: Partial<mqttPacket.IPublishPacket> = {}): mqttPacket.IPublishPacket => ({
  cmd: 'publish',
  topic: 'dt/device-1/telemetry',
  payload: Buffer.from('{"t":21.5}'),
  qos: 0,
  retain: false,
  dup: false,
  ...over,
});

/** A writable that records each chunk written to it, and can be made to report a full buffer. */
class Recorder extends Writable {
  chunks: Buffer[] = [];
  full = false;
  constructor() {
    super();
    Object.defineProperty(this, 'writableNeedDrain', { get: () => this.full });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
    this.chunks.push(Buffer.from(chunk));
    cb();
  }
}

const tick = () => new Promise<void>((r) => process.nextTick(r));
const turn = () => new Promise<void>((r) => setImmediate(r));
const v4 = (p: mqttPacket.Packet) => mqttPacket.generate(p, { protocolVersion: 4 });

describe('outbox: MQTT 3.1.1 PUBLISH encoding', () => {
  test('is byte for byte what mqtt-packet writes, for QoS 0 and 1, retain, DUP, text and empty payloads', () => {
    const cases = [
      publish(),
      publish({ qos: 1, messageId: 513, retain: true, dup: true }),
      publish({ topic: 'dt/gerät/température', payload: 'Grüße' as unknown as Buffer }),
      publish({ payload: Buffer.alloc(0) }),
      publish({ payload: Buffer.alloc(200, 7) }),
      publish({ qos: 1, messageId: 65_535, payload: Buffer.alloc(20_000, 1) }),
      publish({ payload: Buffer.alloc(2_100_000, 2) }),
    ];
    for (const p of cases) assert.deepEqual(encodePublish(p), v4(p), `${p.topic} qos ${p.qos}`);
  });

  test('delivered at QoS 0, a QoS 1 message loses its packet identifier and DUP', () => {
    const p = publish({ qos: 1, messageId: 7, dup: true, retain: true });
    assert.deepEqual(encodePublish(p, 0), v4({ ...p, qos: 0, dup: false, messageId: undefined }));
  });

  test('a QoS 1 PUBLISH without a packet identifier is refused', () => {
    assert.throws(() => encodePublish(publish({ qos: 1 })), /messageId/);
  });
});

describe('outbox: writes', () => {
  test("a turn's PUBLISH packets leave in one write, at the end of the turn, in order", async () => {
    const stream = new Recorder();
    const outbox = new Outbox(stream);
    const packets = [1, 2, 3].map((n) => publish({ topic: `t/${n}` }));
    for (const p of packets) assert.equal(outbox.publish(p, 4), true);
    await tick();
    assert.equal(stream.chunks.length, 0);
    await turn();
    assert.deepEqual(stream.chunks, [Buffer.concat(packets.map(v4))]);
  });

  test('a control packet goes out before the loop moves on, after what was queued before it', async () => {
    const stream = new Recorder();
    const outbox = new Outbox(stream);
    const p = publish();
    outbox.publish(p, 4);
    outbox.control({ cmd: 'puback', messageId: 9 }, 4);
    outbox.control({ cmd: 'suback', messageId: 10, granted: [1, 128] }, 4);
    await tick();
    assert.deepEqual(stream.chunks, [
      Buffer.concat([
        v4(p),
        v4({ cmd: 'puback', messageId: 9 }),
        v4({ cmd: 'suback', messageId: 10, granted: [1, 128] }),
      ]),
    ]);
  });

  test('a CONNACK goes out at once, after what was queued before it, encoded as mqtt-packet encodes it', () => {
    for (const protocolVersion of [3, 4, 5] as const) {
      for (const sessionPresent of [false, true]) {
        for (const code of protocolVersion === 5 ? [0, 0x87] : [0, 5]) {
          const stream = new Recorder();
          const outbox = new Outbox(stream);
          const connack: mqttPacket.IConnackPacket =
            protocolVersion === 5
              ? { cmd: 'connack', sessionPresent, reasonCode: code, properties: { maximumQoS: 1 } }
              : { cmd: 'connack', sessionPresent, returnCode: code };
          outbox.control({ cmd: 'pingresp' }, protocolVersion);
          outbox.control(connack, protocolVersion);
          assert.deepEqual(
            stream.chunks,
            [
              Buffer.concat([
                mqttPacket.generate({ cmd: 'pingresp' }, { protocolVersion }),
                mqttPacket.generate(connack, { protocolVersion }),
              ]),
            ],
            `MQTT ${protocolVersion}, session present ${sessionPresent}, code ${code}`,
          );
        }
      }
    }
  });

  test('MQTT 5: properties and PUBACK reason codes are encoded as mqtt-packet encodes them', async () => {
    const stream = new Recorder();
    const outbox = new Outbox(stream);
    const p = publish({ qos: 1, messageId: 3, properties: { userProperties: { a: 'b' }, contentType: 'text/plain' } });
    outbox.publish(p, 5);
    outbox.control({ cmd: 'puback', messageId: 3, reasonCode: 0x87 }, 5);
    outbox.control({ cmd: 'puback', messageId: 4 }, 5);
    outbox.control({ cmd: 'puback', messageId: 5, reasonCode: 0 }, 5);
    await tick();
    const v5 = (x: mqttPacket.Packet) => mqttPacket.generate(x, { protocolVersion: 5 });
    assert.deepEqual(stream.chunks, [
      Buffer.concat([
        v5(p),
        v5({ cmd: 'puback', messageId: 3, reasonCode: 0x87 }),
        v5({ cmd: 'puback', messageId: 4 }),
        v5({ cmd: 'puback', messageId: 5, reasonCode: 0 }),
      ]),
    ]);
  });

  test('8 KB queued are written at once; a full socket is reported as write would, and nothing is lost', async () => {
    const stream = new Recorder();
    const outbox = new Outbox(stream);
    const big = publish({ payload: Buffer.alloc(5000, 1) });
    outbox.publish(big, 4);
    assert.equal(stream.chunks.length, 0);
    outbox.publish(big, 4);
    assert.equal(stream.chunks.length, 1);
    stream.full = true;
    assert.equal(outbox.publish(publish(), 4), false);
    await turn();
    assert.deepEqual(Buffer.concat(stream.chunks), Buffer.concat([v4(big), v4(big), v4(publish())]));
  });

  test('callbacks given for the turn run after its packets were written', async () => {
    const stream = new Recorder();
    const outbox = new Outbox(stream);
    const seen: number[] = [];
    outbox.publish(publish(), 4);
    outbox.afterTurn(() => seen.push(stream.chunks.length));
    await turn();
    assert.deepEqual(seen, [1]);
  });

  test('nothing is written to a stream that was destroyed meanwhile', async () => {
    const stream = new Recorder();
    const outbox = new Outbox(stream);
    outbox.publish(publish(), 4);
    stream.destroy();
    await turn();
    assert.equal(stream.chunks.length, 0);
  });
});
