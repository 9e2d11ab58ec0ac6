'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import type { MqttConnectionState } from '@/lib/mqtt/connection-state';
import type { RelayBatch, RelayedMessage } from '@/lib/mqtt/relay';

/**
 * This tab's MQTT session on the dashboard server, for any client component:
 *
 *   const mqtt = useMqttSession();
 *   useEffect(() => mqtt.onMessages((messages) => { ... }), [mqtt.onMessages]);
 *   await mqtt.subscribe('$aws/things/dev-1/shadow/#', 1);   // -> { ok: true } | { ok: false, error }
 *   await mqtt.publish({ topic: 'dev-1/cmd', payload: '{"on":true}', qos: 1 });
 *
 * Transport: an EventSource on GET /api/mqtt/stream opens one server-side MQTT session (a `dashboard-…`
 * client on the broker) and relays its messages in batches; subscribe/unsubscribe/publish are POSTs to
 * /api/mqtt/sessions/:id. When the stream drops (server restart, network), the browser reconnects, which
 * opens a NEW session; the hook then re-subscribes every filter this tab had. Closing the tab (or
 * unmounting the component) closes the stream, and the server unsubscribes and disconnects.
 *
 * - Calls made before the session is connected wait for it (up to 15 s).
 * - `onMessages` listeners are called outside React rendering with each relayed batch; keep them cheap
 *   and buffer into a ref (a flood is thousands of messages a second). The functions are stable.
 * - `dropped` counts messages the server shed under load, over the tab's life (every session summed).
 * - Each mounted hook is its own session: mount it once per page and pass it down.
 */
export type MqttQos = 0 | 1;
export interface MqttSubscription {
  filter: string;
  qos: MqttQos;
}
export type MqttResult = { ok: true } | { ok: false; error: string };
export interface MqttPublish {
  topic: string;
  payload: string;
  /** How `payload` is written: text (default) or base64 for binary. */
  encoding?: 'utf8' | 'base64';
  qos?: MqttQos;
  retain?: boolean;
}
export type { RelayedMessage };

export interface MqttSession {
  state: MqttConnectionState;
  /** Why the state is what it is, when there is more to say (a broker error, a retry delay). */
  detail: string | undefined;
  sessionId: string | undefined;
  /** The session's MQTT client id on the broker (`dashboard-…`). */
  clientId: string | undefined;
  /** What the server-side session is subscribed to now. */
  subscriptions: readonly MqttSubscription[];
  dropped: number;
  subscribe(filter: string, qos?: MqttQos): Promise<MqttResult>;
  unsubscribe(filter: string): Promise<MqttResult>;
  publish(message: MqttPublish): Promise<MqttResult>;
  /** Adds a listener for relayed messages; returns the function that removes it. */
  onMessages(listener: (messages: RelayedMessage[]) => void): () => void;
}

const STREAM_URL = '/api/mqtt/stream';
const WAIT_FOR_CONNECTION_MS = 15_000;
const RETRY_MS = [1000, 2000, 5000, 10_000, 30_000];

export function useMqttSession(): MqttSession {
  const [state, setState] = useState<MqttConnectionState>('connecting');
  const [detail, setDetail] = useState<string | undefined>();
  const [session, setSession] = useState<{ id: string; clientId: string } | undefined>();
  const [subscriptions, setSubscriptions] = useState<readonly MqttSubscription[]>([]);
  const [dropped, setDropped] = useState(0);

  const sessionRef = useRef<string | undefined>(undefined);
  const connectedRef = useRef(false);
  /** Filters this tab asked for and the server granted: re-subscribed in every new session. */
  const wantedRef = useRef(new Map<string, MqttQos>());
  const listenersRef = useRef(new Set<(messages: RelayedMessage[]) => void>());
  const waitersRef = useRef(new Set<() => void>());
  const droppedRef = useRef({ before: 0, current: 0 });

  const post = useCallback(async (body: object): Promise<MqttResult> => {
    if (!connectedRef.current) {
      const connected = await new Promise<boolean>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waitersRef.current.delete(done);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waitersRef.current.delete(done);
          resolve(false);
        }, WAIT_FOR_CONNECTION_MS);
        waitersRef.current.add(done);
      });
      if (!connected) return { ok: false, error: 'The MQTT session is not connected; try again once it is.' };
    }
    const id = sessionRef.current;
    if (!id) return { ok: false, error: 'The MQTT session is not connected; try again once it is.' };
    try {
      const res = await fetch(`/api/mqtt/sessions/${encodeURIComponent(id)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json().catch(() => ({}))) as { ok?: boolean; error?: string };
      if (res.ok && json.ok) return { ok: true };
      if (res.status === 401) return { ok: false, error: 'Your sign-in has expired; sign in again.' };
      return { ok: false, error: json.error ?? `The dashboard answered ${res.status}.` };
    } catch {
      return { ok: false, error: 'Could not reach the dashboard server.' };
    }
  }, []);

  useEffect(() => {
    let source: EventSource | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;

    const resubscribe = async () => {
      for (const [filter, qos] of wantedRef.current) {
        const result = await post({ op: 'subscribe', filter, qos });
        if (!result.ok) setDetail(`Could not re-subscribe to ${filter}: ${result.error}`);
      }
    };

    const open = () => {
      let needsResubscribe = false;
      const es = new EventSource(STREAM_URL);
      source = es;
      const data = <T>(e: Event) => JSON.parse((e as MessageEvent<string>).data) as T;

      es.addEventListener('session', (e) => {
        const s = data<{ id: string; clientId: string }>(e);
        if (sessionRef.current && sessionRef.current !== s.id) {
          droppedRef.current = { before: droppedRef.current.before + droppedRef.current.current, current: 0 };
        }
        needsResubscribe = wantedRef.current.size > 0;
        sessionRef.current = s.id;
        connectedRef.current = false;
        failures = 0;
        setSession({ id: s.id, clientId: s.clientId });
        setSubscriptions([]);
      });
      es.addEventListener('state', (e) => {
        const s = data<{ state: MqttConnectionState; detail?: string }>(e);
        connectedRef.current = s.state === 'connected';
        setState(s.state);
        setDetail(s.detail);
        if (s.state === 'connected') {
          if (needsResubscribe) {
            needsResubscribe = false;
            void resubscribe();
          }
          for (const waiter of [...waitersRef.current]) waiter();
        }
      });
      es.addEventListener('subscriptions', (e) => {
        setSubscriptions(data<{ subscriptions: MqttSubscription[] }>(e).subscriptions);
      });
      es.addEventListener('batch', (e) => {
        const { batch } = data<{ batch: RelayBatch }>(e);
        if (batch.messages.length) for (const listener of listenersRef.current) listener(batch.messages);
        if (batch.dropped !== droppedRef.current.current) {
          droppedRef.current.current = batch.dropped;
          setDropped(droppedRef.current.before + batch.dropped);
        }
      });
      es.onerror = () => {
        connectedRef.current = false;
        if (stopped) return;
        if (es.readyState === EventSource.CLOSED) {
          // The server refused the stream (signed out, or down): retry ourselves, backing off.
          const wait = RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]!;
          setState('reconnecting');
          setDetail(`Could not open the stream from the dashboard server; retrying in ${Math.round(wait / 1000)} s.`);
          retryTimer = setTimeout(open, wait);
        } else {
          // The browser reconnects by itself; the server will start a new session.
          setState('reconnecting');
          setDetail('Lost the stream from the dashboard server; reconnecting.');
        }
      };
    };

    open();
    return () => {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      source?.close();
      connectedRef.current = false;
      sessionRef.current = undefined;
    };
  }, [post]);

  const subscribe = useCallback(
    async (filter: string, qos: MqttQos = 0): Promise<MqttResult> => {
      const result = await post({ op: 'subscribe', filter, qos });
      if (result.ok) wantedRef.current.set(filter, qos);
      return result;
    },
    [post],
  );

  const unsubscribe = useCallback(
    async (filter: string): Promise<MqttResult> => {
      wantedRef.current.delete(filter);
      return post({ op: 'unsubscribe', filter });
    },
    [post],
  );

  const publish = useCallback(
    (m: MqttPublish): Promise<MqttResult> =>
      post({
        op: 'publish',
        topic: m.topic,
        payload: m.payload,
        encoding: m.encoding ?? 'utf8',
        qos: m.qos ?? 0,
        retain: m.retain ?? false,
      }),
    [post],
  );

  const onMessages = useCallback((listener: (messages: RelayedMessage[]) => void) => {
    listenersRef.current.add(listener);
    return () => {
      listenersRef.current.delete(listener);
    };
  }, []);

  return useMemo(
    () => ({
      state,
      detail,
      sessionId: session?.id,
      clientId: session?.clientId,
      subscriptions,
      dropped,
      subscribe,
      unsubscribe,
      publish,
      onMessages,
    }),
    [state, detail, session, subscriptions, dropped, subscribe, unsubscribe, publish, onMessages],
  );
}
