import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BusListener, BusMessage, MessageBus } from '../broker/bus';
import { resolveConfig } from '../config';
import type { EmulatorContext } from '../context';
import { FaultInjector, RateQuotas } from '../faults';
import type { Authority } from '../pki/authority';
import { pairKey } from '../store/records';
import { Store } from '../store/store';
import { VERSION_RETENTION_SECONDS } from './document';
import { attachShadowTopics, parseShadowRequest, shadowService } from './service';

/** A message bus in one process: every publish reaches the listeners and is recorded, in order. */
class MemoryBus implements MessageBus {
  readonly published: BusMessage[] = [];
  private readonly listeners = new Set<BusListener>();

  async publish(topic: string, payload: Buffer | string, opts: { qos?: 0 | 1; retain?: boolean } = {}) {
    const msg: BusMessage = {
      topic,
      payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
      qos: opts.qos ?? 0,
      retain: opts.retain ?? false,
    };
    this.deliver(msg);
  }

  /** The shadow service answers every subscriber; nothing here goes to one connection alone. */
  async publishToConnection(): Promise<boolean> {
    return false;
  }

  /** A device's PUBLISH, as the broker would pass it on. */
  device(topic: string, payload: unknown, clientId = 'device-1') {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    this.deliver({ topic, payload: Buffer.from(body), qos: 1, retain: false, clientId });
  }

  onMessage(listener: BusListener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private deliver(msg: BusMessage) {
    this.published.push(msg);
    for (const l of this.listeners) l(msg);
  }

  /** Messages published under a topic prefix, decoded, from index `from`. */
  responses(prefix: string, from = 0) {
    return this.published
      .slice(from)
      .filter((m) => m.topic.startsWith(prefix) && m.clientId === undefined)
      .map((m) => ({
        topic: m.topic.slice(prefix.length),
        doc: JSON.parse(m.payload.toString()) as Record<string, any>,
      }));
  }
}

const T0 = 1_700_000_000_000;

function setup() {
  const bus = new MemoryBus();
  let now = T0;
  const ctx: EmulatorContext = {
    config: resolveConfig({ dataDir: null }),
    store: new Store(undefined),
    pki: {} as Authority,
    faults: new FaultInjector(),
    quotas: new RateQuotas(),
    bus,
    connectedClientIds: () => [],
    now: () => now,
  };
  return {
    bus,
    ctx,
    service: shadowService(ctx),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** Lets the service's queued publishes run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('shadow topics', () => {
  it('recognises exactly the request topics of classic and named shadows', () => {
    assert.deepEqual(parseShadowRequest('$aws/things/t1/shadow/update'), {
      thingName: 't1',
      shadowName: '',
      operation: 'update',
    });
    assert.deepEqual(parseShadowRequest('$aws/things/t1/shadow/name/cfg/get'), {
      thingName: 't1',
      shadowName: 'cfg',
      operation: 'get',
    });
    assert.deepEqual(parseShadowRequest('$aws/things/t1/shadow/name/$x:y_z-1/delete')?.shadowName, '$x:y_z-1');
    for (const topic of [
      '$aws/things/t1/shadow/update/accepted',
      '$aws/things/t1/shadow/update/delta',
      '$aws/things/t1/shadow/update/documents',
      '$aws/things/t1/shadow/get/rejected',
      '$aws/things/t1/shadow/name/cfg/update/accepted',
      '$aws/things/t1/shadow/list',
      '$aws/things/t1/shadow/name/get',
      '$aws/things/bad name/shadow/get',
      '$aws/things/t1/shadow/name/bad.name/get',
      `$aws/things/t1/shadow/name/${'n'.repeat(65)}/get`,
      'things/t1/shadow/get',
    ]) {
      assert.equal(parseShadowRequest(topic), undefined, topic);
    }
  });
});

describe('shadow service (HTTP side)', () => {
  it('an update stores the shadow and publishes accepted, delta and documents in that order', async () => {
    const { service, bus, ctx } = setup();
    const out = await service.update(
      'lamp',
      '',
      'http',
      JSON.stringify({ state: { desired: { on: true } }, clientToken: 'c1' }),
    );
    assert.ok(out.ok);
    assert.equal(out.doc.version, 1);
    assert.equal(out.doc.clientToken, 'c1');
    const stored = ctx.store.c.shadows.get(pairKey('lamp', ''));
    assert.equal(stored?.thingName, 'lamp');
    assert.equal(stored?.shadowName, '');
    const msgs = bus.responses('$aws/things/lamp/shadow');
    assert.deepEqual(
      msgs.map((m) => m.topic),
      ['/update/accepted', '/update/delta', '/update/documents'],
    );
    assert.deepEqual(msgs[0]!.doc, out.doc);
    assert.deepEqual(msgs[1]!.doc.state, { on: true });
    assert.equal(msgs[2]!.doc.current.version, 1);
    assert.equal(msgs[2]!.doc.previous, undefined);
    assert.ok(bus.published.every((m) => m.qos === 1 && !m.retain));
  });

  it('no delta is published when desired and reported agree', async () => {
    const { service, bus } = setup();
    await service.update(
      'lamp',
      '',
      'http',
      JSON.stringify({ state: { desired: { on: true }, reported: { on: true } } }),
    );
    assert.deepEqual(
      bus.responses('$aws/things/lamp/shadow').map((m) => m.topic),
      ['/update/accepted', '/update/documents'],
    );
  });

  it('an HTTP error is returned, not published', async () => {
    const { service, bus } = setup();
    const bad = await service.update('lamp', '', 'http', '{"clientToken":"x"}');
    assert.deepEqual(bad, {
      ok: false,
      error: { code: 400, message: 'Missing required node: state' },
      clientToken: 'x',
    });
    const missing = await service.get('lamp', '', 'http');
    assert.deepEqual(missing, { ok: false, error: { code: 404, message: "No shadow exists with name: 'lamp'" } });
    assert.equal(bus.published.length, 0);
  });

  it('a version conflict is 409 and leaves the shadow alone', async () => {
    const { service } = setup();
    await service.update('lamp', '', 'http', '{"state":{"reported":{"a":1}}}');
    const out = await service.update('lamp', '', 'http', '{"state":{"reported":{"a":2}},"version":7}');
    assert.deepEqual(out.ok ? undefined : out.error, { code: 409, message: 'Version conflict' });
    const got = await service.get('lamp', '', 'http');
    assert.ok(got.ok);
    assert.deepEqual(got.doc.state, { reported: { a: 1 } });
    assert.equal(got.doc.version, 1);
  });

  it('get shows desired, reported and delta and publishes nothing over HTTP', async () => {
    const { service, bus } = setup();
    await service.update('lamp', '', 'http', '{"state":{"desired":{"c":"red"},"reported":{"c":"blue"}}}');
    const before = bus.published.length;
    const got = await service.get('lamp', '', 'http');
    assert.ok(got.ok);
    assert.deepEqual(got.doc.state, { desired: { c: 'red' }, reported: { c: 'blue' }, delta: { c: 'red' } });
    assert.equal(bus.published.length, before);
  });

  it('delete publishes delete/accepted, keeps the version counter, and the shadow is gone', async () => {
    const { service, bus, advance } = setup();
    await service.update('lamp', '', 'http', '{"state":{"reported":{"a":1}}}');
    await service.update('lamp', '', 'http', '{"state":{"reported":{"a":2}}}');
    const from = bus.published.length;
    const del = await service.delete('lamp', '', 'http');
    assert.ok(del.ok);
    assert.equal(del.doc.version, 2);
    assert.deepEqual(
      bus.responses('$aws/things/lamp/shadow', from).map((m) => m.topic),
      ['/delete/accepted'],
    );
    assert.equal((await service.get('lamp', '', 'http')).ok, false);
    const again = await service.delete('lamp', '', 'http');
    assert.equal(again.ok ? 0 : again.error.code, 404);
    const recreated = await service.update('lamp', '', 'http', '{"state":{"reported":{"a":3}}}');
    assert.equal(recreated.ok && recreated.doc.version, 3);
    // After 48 hours a deleted shadow's counter is forgotten.
    await service.delete('lamp', '', 'http');
    advance((VERSION_RETENTION_SECONDS + 1) * 1000);
    const fresh = await service.update('lamp', '', 'http', '{"state":{"reported":{"a":4}}}');
    assert.equal(fresh.ok && fresh.doc.version, 1);
  });

  it('named shadows are separate from the classic one and listed by name, without deleted ones', async () => {
    const { service } = setup();
    await service.update('lamp', '', 'http', '{"state":{"reported":{"x":0}}}');
    for (const name of ['zeta', 'alpha', 'mid']) {
      await service.update('lamp', name, 'http', `{"state":{"reported":{"n":"${name}"}}}`);
    }
    await service.update('other', 'alpha', 'http', '{"state":{"reported":{}}}');
    await service.delete('lamp', 'mid', 'http');
    assert.deepEqual(service.listNamed('lamp'), ['alpha', 'zeta']);
    const named = await service.get('lamp', 'alpha', 'http');
    assert.ok(named.ok);
    assert.deepEqual(named.doc.state, { reported: { n: 'alpha' } });
    const missing = await service.get('lamp', 'mid', 'http');
    assert.equal(missing.ok ? '' : missing.error.message, "No shadow exists with name: 'lamp~mid'");
  });
});

describe('shadow service (MQTT side)', () => {
  it('answers a device update on accepted and documents, echoing the clientToken', async () => {
    const { bus, ctx } = setup();
    attachShadowTopics(ctx);
    bus.device('$aws/things/dev/shadow/update', { state: { reported: { temp: 20 } }, clientToken: 'tok' });
    await settle();
    const msgs = bus.responses('$aws/things/dev/shadow');
    assert.deepEqual(
      msgs.map((m) => m.topic),
      ['/update/accepted', '/update/documents'],
    );
    assert.equal(msgs[0]!.doc.clientToken, 'tok');
    assert.deepEqual(msgs[0]!.doc.state, { reported: { temp: 20 } });
    assert.equal(msgs[1]!.doc.clientToken, 'tok');
  });

  it('rejects on <request>/rejected with code, message, timestamp and clientToken', async () => {
    const { bus, ctx } = setup();
    attachShadowTopics(ctx);
    bus.device('$aws/things/dev/shadow/update', { state: { reported: { a: 1 } } });
    bus.device('$aws/things/dev/shadow/update', { state: { reported: { a: 2 } }, version: 5, clientToken: 'v' });
    bus.device('$aws/things/dev/shadow/update', 'not json');
    bus.device('$aws/things/dev/shadow/update', { state: { colour: 1 } });
    await settle();
    const rejectedMsgs = bus.responses('$aws/things/dev/shadow/update/rejected');
    assert.equal(rejectedMsgs.length, 3);
    const [conflict, notJson, badNode] = rejectedMsgs.map((m) => m.doc);
    assert.equal(conflict!.code, 409);
    assert.equal(conflict!.message, 'Version conflict');
    assert.equal(conflict!.clientToken, 'v');
    assert.equal(conflict!.timestamp, T0 / 1000);
    assert.equal(notJson!.code, 400);
    assert.equal(badNode!.message, 'State contains an invalid node');
  });

  it('get of a missing shadow is rejected 404; get of an existing one is accepted with the clientToken', async () => {
    const { bus, ctx } = setup();
    attachShadowTopics(ctx);
    bus.device('$aws/things/dev/shadow/get', { clientToken: 'g1' });
    await settle();
    assert.deepEqual(
      bus.responses('$aws/things/dev/shadow/get/rejected').map((m) => m.doc),
      [{ code: 404, message: "No shadow exists with name: 'dev'", clientToken: 'g1' }],
    );
    bus.device('$aws/things/dev/shadow/update', { state: { desired: { on: true } } });
    bus.device('$aws/things/dev/shadow/get', '');
    await settle();
    const accepted = bus.responses('$aws/things/dev/shadow/get/accepted');
    assert.equal(accepted.length, 1);
    assert.deepEqual(accepted[0]!.doc.state, { desired: { on: true }, delta: { on: true } });
    assert.equal(accepted[0]!.doc.version, 1);
  });

  it('named shadow requests are answered on the named topics', async () => {
    const { bus, ctx } = setup();
    attachShadowTopics(ctx);
    bus.device('$aws/things/dev/shadow/name/cfg/update', { state: { desired: { mode: 'eco' } } });
    bus.device('$aws/things/dev/shadow/name/cfg/delete', '');
    await settle();
    assert.deepEqual(
      bus.responses('$aws/things/dev/shadow/name/cfg').map((m) => m.topic),
      ['/update/accepted', '/update/delta', '/update/documents', '/delete/accepted'],
    );
    assert.equal(bus.responses('$aws/things/dev/shadow/update').length, 0);
  });

  it('ignores response topics and unrelated topics, and stops when detached', async () => {
    const { bus, ctx } = setup();
    const detach = attachShadowTopics(ctx);
    bus.device('$aws/things/dev/shadow/update/accepted', { state: { reported: { a: 1 } } });
    bus.device('sensors/dev', { state: { reported: { a: 1 } } });
    await settle();
    assert.equal(bus.published.length, 2);
    detach();
    bus.device('$aws/things/dev/shadow/update', { state: { reported: { a: 1 } } });
    await settle();
    assert.equal(bus.published.length, 3);
    assert.equal(ctx.store.c.shadows.size, 0);
  });

  it('responses of successive requests on one shadow come out in request order', async () => {
    const { bus, ctx } = setup();
    attachShadowTopics(ctx);
    for (let i = 1; i <= 5; i++)
      bus.device('$aws/things/dev/shadow/update', { state: { reported: { i } }, clientToken: `t${i}` });
    await settle();
    const accepted = bus
      .responses('$aws/things/dev/shadow/update/accepted')
      .map((m) => [m.doc.version, m.doc.clientToken]);
    assert.deepEqual(accepted, [
      [1, 't1'],
      [2, 't2'],
      [3, 't3'],
      [4, 't4'],
      [5, 't5'],
    ]);
  });
});

describe('attachShadowTopics', () => {
  it('attaching twice answers each request once', async () => {
    const { bus, ctx } = setup();
    const first = attachShadowTopics(ctx);
    assert.equal(attachShadowTopics(ctx), first);
    bus.device('$aws/things/dev/shadow/update', { state: { reported: { a: 1 } } });
    await settle();
    assert.equal(bus.responses('$aws/things/dev/shadow/update/accepted').length, 1);
    first();
    const again = attachShadowTopics(ctx);
    assert.notEqual(again, first);
    bus.device('$aws/things/dev/shadow/update', { state: { reported: { a: 2 } } });
    await settle();
    assert.equal(bus.responses('$aws/things/dev/shadow/update/accepted').length, 2);
  });
});
