import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { PresenceEvent } from '@/lib/fleet/presence-state';

import type { LiveEvent } from './live';
import { runLiveCheck, type LiveCheckDeps } from './live-run';

/**
 * The orchestration alone, with a stand-in for the process's presence tracker and the shadow calls; the
 * real tracker, broker and data plane are exercised end to end in e2e/connection-check.spec.ts.
 */
function fakeWorld(opts: { tracking?: boolean; connectedAtStart?: boolean } = {}) {
  const presence = new Set<(e: PresenceEvent) => void>();
  const watches = new Map<string, (topic: string, payload: Buffer) => void>();
  let desired: string | undefined;
  let reported: string | undefined;
  const deps: Partial<LiveCheckDeps> = {
    tracker: async () => ({
      onPresence: (l) => {
        presence.add(l);
        return () => presence.delete(l);
      },
      watch: async (filter, l) => {
        watches.set(filter, l);
        return () => watches.delete(filter);
      },
    }),
    presenceOf: async (ids) => ({
      tracking: opts.tracking ?? true,
      problem: opts.tracking === false ? 'The presence tracker is offline.' : undefined,
      presence: Object.fromEntries(
        ids.map((id) => [id, opts.connectedAtStart ? { status: 'connected', lastSeen: 1000 } : { status: 'unknown' }]),
      ) as never,
    }),
    requestCheckEcho: async (_thing, nonce) => {
      desired = nonce;
    },
    reportedCheck: async () => reported,
    nonce: () => 'check-1',
    pollMs: 5,
    resendMs: 1_000,
    timeoutMs: 2_000,
  };
  return {
    deps,
    connect: (clientId: string) =>
      [...presence].forEach((l) => l({ clientId, eventType: 'connected', timestamp: Date.now() })),
    publish: (topic: string, text: string) => {
      for (const [filter, l] of watches) if (topic.startsWith(filter.replace('#', ''))) l(topic, Buffer.from(text));
    },
    /** The device echoes desired into reported, as the simulator does. */
    echo: () => {
      reported = desired;
    },
    get desired() {
      return desired;
    },
    get listening() {
      return presence.size + watches.size;
    },
  };
}

function collect() {
  const events: LiveEvent[] = [];
  let ended!: () => void;
  const done = new Promise<void>((r) => (ended = r));
  return { events, done, sink: { send: (e: LiveEvent) => events.push(e), end: () => ended() } };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), 'condition not reached');
};

describe('the live connection check', () => {
  test('connect, first message and shadow round trip pass in turn, then it is done', async () => {
    const world = fakeWorld();
    const out = collect();
    runLiveCheck('dev-1', out.sink, world.deps);
    await until(() => world.listening === 2);
    world.connect('someone-else');
    world.connect('dev-1');
    await until(() => world.desired === 'check-1');
    world.publish('dev-1/telemetry', '{"t":21}');
    world.echo();
    await out.done;

    const passes = out.events
      .filter((e) => e.type === 'step' && e.status === 'pass')
      .map((e) => e.type === 'step' && e.id);
    assert.deepEqual(passes.slice(0, 2).sort(), ['connected', 'message']);
    assert.equal(passes[2], 'shadow');
    assert.deepEqual(out.events.at(-1), { type: 'done', reason: 'passed' });
    const message = out.events.find((e) => e.type === 'step' && e.id === 'message');
    assert.match(message?.type === 'step' ? message.detail : '', /First message on dev-1\/telemetry: \{"t":21\}/);
    assert.equal(world.listening, 0, 'the tracker listeners are removed');
  });

  test('a device already connected passes at once, and the shadow is asked for', async () => {
    const world = fakeWorld({ connectedAtStart: true });
    const out = collect();
    const stop = runLiveCheck('dev-2', out.sink, world.deps);
    await until(() => world.desired === 'check-1');
    assert.ok(out.events.some((e) => e.type === 'step' && e.id === 'connected' && e.status === 'pass'));
    stop();
    assert.equal(world.listening, 0);
  });

  test('without presence tracking the check ends with the reason', async () => {
    const world = fakeWorld({ tracking: false });
    const out = collect();
    runLiveCheck('dev-3', out.sink, world.deps);
    await out.done;
    assert.deepEqual(out.events.at(-1), {
      type: 'done',
      reason: 'error',
      message: 'The presence tracker is offline. The live steps cannot be observed.',
    });
  });

  test('at the timeout each step not passed fails with what to look at', async () => {
    const world = fakeWorld();
    const out = collect();
    runLiveCheck('dev-4', out.sink, { ...world.deps, timeoutMs: 50 });
    await until(() => world.listening === 2);
    world.connect('dev-4');
    await out.done;
    const failed = out.events
      .filter((e) => e.type === 'step' && e.status === 'fail')
      .map((e) => e.type === 'step' && e.id);
    assert.deepEqual(failed, ['message', 'shadow']);
    assert.deepEqual(out.events.at(-1), { type: 'done', reason: 'timeout' });
  });
});
