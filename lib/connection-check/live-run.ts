import 'server-only';

import { randomBytes } from 'node:crypto';

import { reportedCheck, requestCheckEcho } from '@/lib/connection-check/echo';
import { toAppError } from '@/lib/aws/errors';
import { presenceOf, presenceTracker } from '@/lib/fleet/presence';
import type { PresenceEvent } from '@/lib/fleet/presence-state';

import { LIVE_TIMEOUT_MS, timeoutEvent, type LiveEvent, type LiveStepEvent, type LiveStepId } from './live';

/**
 * The live half of the connection check, run on the server for one thing: watches the process's presence
 * tracker for client id = thing name, the first message on `<thing>/#` over the tracker's MQTT connection,
 * and a shadow round trip (desired.check = nonce through the data plane, then reported.check polled until
 * the device echoes it). Ends when all three pass, on timeout, or when stopped (the tab went away). Each
 * observation goes to `send` as a LiveEvent (lib/connection-check/live.ts); `end` is called once, after
 * the closing `done` event.
 */

/** What the run observes and calls; the defaults are the real tracker and the real data plane. */
export interface LiveCheckDeps {
  tracker: () => Promise<{
    onPresence(listener: (event: PresenceEvent) => void): () => void;
    watch(filter: string, listener: (topic: string, payload: Buffer) => void): Promise<() => void>;
  }>;
  presenceOf: typeof presenceOf;
  requestCheckEcho: (thing: string, nonce: string) => Promise<void>;
  reportedCheck: (thing: string) => Promise<string | undefined>;
  nonce: () => string;
  timeoutMs: number;
  pollMs: number;
  /** How often desired.check is set again while waiting (a device that connected late gets a fresh delta). */
  resendMs: number;
}

const defaultDeps: LiveCheckDeps = {
  tracker: presenceTracker,
  presenceOf,
  requestCheckEcho,
  reportedCheck,
  nonce: () => `check-${randomBytes(6).toString('hex')}`,
  timeoutMs: LIVE_TIMEOUT_MS,
  pollMs: 1000,
  resendMs: 10_000,
};

export interface LiveCheckSink {
  send(event: LiveEvent): void;
  end(): void;
}

/** Starts the live check; the returned function stops it (idempotent, also safe after it ended). */
export function runLiveCheck(thing: string, sink: LiveCheckSink, overrides: Partial<LiveCheckDeps> = {}): () => void {
  const deps = { ...defaultDeps, ...overrides };
  const cleanups: (() => void)[] = [];
  const passed = new Set<LiveStepId>();
  let finished = false;

  const stop = () => {
    if (finished) return;
    finished = true;
    for (const c of cleanups.splice(0)) c();
  };
  const send = (event: LiveEvent) => {
    if (!finished) sink.send(event);
  };
  const finish = (done: Extract<LiveEvent, { type: 'done' }>) => {
    if (finished) return;
    send(done);
    stop();
    sink.end();
  };
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(fn, ms);
    cleanups.push(() => clearTimeout(t));
  };

  const pass = (event: Omit<LiveStepEvent, 'type' | 'status'>) => {
    if (passed.has(event.id) || finished) return;
    passed.add(event.id);
    send({ type: 'step', status: 'pass', ...event });
    if (passed.size === 3) finish({ type: 'done', reason: 'passed' });
  };

  later(() => {
    for (const id of ['connected', 'message', 'shadow'] as const) if (!passed.has(id)) send(timeoutEvent(id, thing));
    finish({ type: 'done', reason: 'timeout' });
  }, deps.timeoutMs);

  // The shadow round trip starts once the device is connected: a delta sent earlier would have nobody to hear it.
  const nonce = deps.nonce();
  let shadowStarted = false;
  const startShadow = () => {
    if (shadowStarted || finished) return;
    shadowStarted = true;
    const sentAt = Date.now();
    let lastSend = 0;
    let lastProblem: string | undefined;
    const tick = async () => {
      if (finished || passed.has('shadow')) return;
      try {
        if (Date.now() - lastSend >= deps.resendMs) {
          lastSend = Date.now();
          await deps.requestCheckEcho(thing, nonce);
        }
        if ((await deps.reportedCheck(thing)) === nonce) {
          pass({
            id: 'shadow',
            detail: `The device reported check = ${nonce} back ${((Date.now() - sentAt) / 1000).toFixed(1)} s after it was asked.`,
            at: Date.now(),
          });
          return;
        }
      } catch (err) {
        const message = toAppError(err).message;
        if (message !== lastProblem) {
          lastProblem = message;
          send({
            type: 'step',
            id: 'shadow',
            status: 'waiting',
            detail: `Could not use the shadow yet: ${message} Trying again.`,
          });
        }
      }
      if (!finished) later(() => void tick(), deps.pollMs);
    };
    send({
      type: 'step',
      id: 'shadow',
      status: 'waiting',
      detail: `Asked the device to report check = ${nonce} (desired state); waiting for it to come back as reported.`,
    });
    void tick();
  };

  void (async () => {
    try {
      const tracker = await deps.tracker();
      if (finished) return;
      cleanups.push(
        tracker.onPresence((event) => {
          if (event.clientId !== thing) return;
          if (event.eventType === 'connected') {
            pass({
              id: 'connected',
              detail: `Connected at ${new Date(event.timestamp).toISOString()} (presence event${event.ipAddress ? ` from ${event.ipAddress}` : ''}).`,
              at: event.timestamp,
            });
            startShadow();
          } else if (!passed.has('connected')) {
            send({
              type: 'step',
              id: 'connected',
              status: 'waiting',
              detail: `The device connected and went away again (${event.disconnectReason ?? 'disconnected'}). Still waiting.`,
            });
          }
        }),
      );
      const unwatch = await tracker.watch(`${thing}/#`, (topic, payload) => {
        const preview = payload.toString('utf8').slice(0, 160);
        pass({ id: 'message', detail: `First message on ${topic}: ${preview}`, at: Date.now() });
      });
      if (finished) return unwatch(); // stopped while subscribing
      cleanups.push(unwatch);
      const now = await deps.presenceOf([thing]);
      if (!now.tracking) {
        finish({
          type: 'done',
          reason: 'error',
          message: `${now.problem ?? 'Presence is not being tracked.'} The live steps cannot be observed.`,
        });
        return;
      }
      if (now.presence[thing]?.status === 'connected') {
        const seen = now.presence[thing]?.lastSeen;
        pass({
          id: 'connected',
          detail: seen
            ? `Connected since ${new Date(seen).toISOString()}.`
            : 'Already connected when the check started.',
          at: seen,
        });
        startShadow();
      }
    } catch (err) {
      finish({ type: 'done', reason: 'error', message: toAppError(err).message });
    }
  })();

  return stop;
}
