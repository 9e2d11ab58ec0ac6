import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageRelay, type RelayBatch } from './relay';

describe('message relay', () => {
  test('messages are batched and sent in order with increasing ids', () => {
    const batches: RelayBatch[] = [];
    const relay = new MessageRelay((b) => batches.push(b), { flushEveryMs: 60_000, now: () => 1000 });
    relay.push('a', new TextEncoder().encode('one'), 0, false);
    relay.push('b', new TextEncoder().encode('{"x":2}'), 1, true);
    relay.flush();
    relay.close();
    assert.equal(batches.length, 1);
    assert.deepEqual(
      batches[0]!.messages.map((m) => [m.id, m.topic, m.payload, m.encoding, m.qos, m.retain]),
      [
        [1, 'a', 'one', 'utf8', 0, false],
        [2, 'b', '{"x":2}', 'utf8', 1, true],
      ],
    );
  });

  test('binary payloads travel as base64', () => {
    const batches: RelayBatch[] = [];
    const relay = new MessageRelay((b) => batches.push(b), { flushEveryMs: 60_000 });
    relay.push('bin', new Uint8Array([0xff, 0x00, 0xfe]), 0, false);
    relay.flush();
    relay.close();
    assert.equal(batches[0]!.messages[0]!.encoding, 'base64');
    assert.equal(batches[0]!.messages[0]!.payload, Buffer.from([0xff, 0x00, 0xfe]).toString('base64'));
  });

  test('above the rate the relay sheds and counts, and the count is sent even without messages', () => {
    let now = 0;
    const batches: RelayBatch[] = [];
    const relay = new MessageRelay((b) => batches.push(b), { flushEveryMs: 60_000, maxPerSecond: 10, now: () => now });
    for (let i = 0; i < 25; i++) relay.push('t', new Uint8Array([49]), 0, false);
    relay.flush();
    assert.equal(batches[0]!.messages.length, 10);
    assert.equal(batches[0]!.dropped, 15);
    relay.flush();
    assert.equal(batches.length, 1, 'nothing new: no empty batch');
    now = 1000;
    relay.push('t', new Uint8Array([49]), 0, false);
    relay.flush();
    assert.equal(batches[1]!.messages.length, 1, 'a new second has room again');
    assert.equal(batches[1]!.dropped, 15);
    relay.close();
  });
});
