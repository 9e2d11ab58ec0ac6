import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import mqttPacket from 'mqtt-packet';
import { readPublishInPlace } from './publish-parser';

/** mqtt-packet's parser, with the packet it is reading (its types leave that out). */
type Parser = ReturnType<typeof mqttPacket.parser> & { packet: { length: number } };

/** What a parser made of `chunks`: each packet (as JSON, so field order counts) and each error message. */
function parsed(chunks: Buffer[], fronted: boolean, after?: (p: Parser) => void): string[] {
  const parser = mqttPacket.parser() as Parser;
  if (fronted) readPublishInPlace(parser as never);
  const out: string[] = [];
  parser.on('packet', (p) => out.push(JSON.stringify(p)));
  parser.on('error', (e: Error) => out.push(`error: ${e.message}`));
  for (const c of chunks) {
    parser.parse(c);
    after?.(parser);
  }
  return out;
}

/** `bytes` cut at random places (seeded, so a failure repeats). */
function cut(bytes: Buffer, seed: number, maxChunk: number): Buffer[] {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + Math.floor(random() * maxChunk);
    chunks.push(bytes.subarray(at, at + n));
    at += n;
  }
  return chunks;
}

const v4 = (p: mqttPacket.Packet) => mqttPacket.generate(p, { protocolVersion: 4 });
const v5 = (p: mqttPacket.Packet) => mqttPacket.generate(p, { protocolVersion: 5 });
const connect = (protocolVersion: 4 | 5) =>
  mqttPacket.generate(
    { cmd: 'connect', clientId: 'c', protocolVersion, clean: true, keepalive: 30 },
    { protocolVersion },
  );

function traffic(): Buffer {
  const packets: Buffer[] = [connect(4)];
  for (let n = 0; n < 300; n++) {
    const qos = (n % 3 === 0 ? 1 : 0) as 0 | 1;
    packets.push(
      v4({
        cmd: 'publish',
        topic: n % 7 === 0 ? `dt/ünïcödé/${n}/€` : `bench/dev-${n % 5}/t`,
        payload: Buffer.alloc(n % 11 === 0 ? 0 : (n * 37) % 300, n),
        qos,
        retain: n % 4 === 0,
        dup: qos === 1 && n % 6 === 0,
        ...(qos ? { messageId: 1 + n } : {}),
      }),
    );
    if (n % 10 === 0) packets.push(v4({ cmd: 'puback', messageId: n + 1 }));
    if (n % 25 === 0) packets.push(v4({ cmd: 'pingreq' }));
    if (n % 40 === 0) packets.push(v4({ cmd: 'subscribe', messageId: 9, subscriptions: [{ topic: 'a/#', qos: 1 }] }));
  }
  packets.push(
    v4({
      cmd: 'publish',
      topic: 'big',
      payload: Buffer.alloc(70_000, 7),
      qos: 1,
      messageId: 5,
      retain: false,
      dup: false,
    }),
  );
  packets.push(v4({ cmd: 'disconnect' }));
  return Buffer.concat(packets);
}

describe('incoming packets, MQTT 3.1.1 PUBLISH read in place', () => {
  test('gives the packets mqtt-packet gives, in order, however the bytes are cut', () => {
    const bytes = traffic();
    const expected = parsed([bytes], false);
    assert.equal(expected.filter((p) => p.startsWith('{"cmd":"publish"')).length, 301);
    for (const [seed, maxChunk] of [
      [1, 1],
      [2, 7],
      [3, 64],
      [4, 1500],
      [5, 16_384],
      [6, 65_536],
    ] as const) {
      assert.deepEqual(parsed(cut(bytes, seed, maxChunk), true), expected, `chunks of up to ${maxChunk} bytes`);
    }
  });

  test('MQTT 5 packets, and PUBLISH packets it cannot read, are mqtt-packet own, errors and all', () => {
    const mqtt5 = Buffer.concat([
      connect(5),
      v5({
        cmd: 'publish',
        topic: 't',
        payload: Buffer.from('x'),
        qos: 1,
        messageId: 2,
        retain: false,
        dup: false,
        properties: { contentType: 'text/plain', userProperties: { a: 'b' } },
      }),
      v5({
        cmd: 'publish',
        topic: '',
        payload: Buffer.from('y'),
        qos: 0,
        retain: false,
        dup: false,
        properties: { topicAlias: 3 },
      }),
    ]);
    assert.deepEqual(parsed(cut(mqtt5, 8, 5), true), parsed([mqtt5], false));

    const ok = v4({ cmd: 'publish', topic: 'a', payload: Buffer.from('p'), qos: 0, retain: false, dup: false });
    const malformed = [
      Buffer.from([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01]), // both QoS bits set
      Buffer.from([0x30, 0x03, 0x00, 0x09, 0x61]), // topic longer than the packet
      Buffer.from([0x30, 0x01, 0x00]), // no room for the topic's length
      Buffer.from([0xc1, 0x00]), // PINGREQ with reserved flags set
      Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), // a fifth length byte
    ];
    for (const bad of malformed) {
      const bytes = Buffer.concat([connect(4), ok, bad, ok]);
      const expected = parsed([bytes], false);
      assert.ok(
        expected.some((p) => p.startsWith('error')),
        `mqtt-packet refuses ${bad.toString('hex')}`,
      );
      assert.deepEqual(parsed([bytes], true), expected, bad.toString('hex'));
    }
  });

  test("a packet not yet whole announces its length on mqtt-packet's parser, as mqtt-packet does", () => {
    const big = v4({ cmd: 'publish', topic: 'big', payload: Buffer.alloc(200_000), qos: 0, retain: false, dup: false });
    for (const fronted of [false, true]) {
      const lengths: number[] = [];
      const packets = parsed(
        [connect(4), big.subarray(0, 10), big.subarray(10, 100_000), big.subarray(100_000)],
        fronted,
        (p) => lengths.push(p.packet.length),
      );
      assert.deepEqual(lengths, [-1, 200_005, 200_005, -1], fronted ? 'read in place' : 'mqtt-packet');
      assert.equal(packets.length, 2);
    }
  });
});
