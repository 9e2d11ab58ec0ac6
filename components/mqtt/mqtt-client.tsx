'use client';

import { useCallback, useRef, useState } from 'react';

import { ConnectionStatus } from './connection-status';
import { MessagesPanel } from './messages-panel';
import { PublishForm } from './publish-form';
import { SubscriptionsPanel } from './subscriptions-panel';
import { nextColour, type PageSubscription } from './subscriptions';
import { useMqttSession, type MqttResult } from './use-mqtt-session';

/**
 * The MQTT test client: the dashboard's own MQTT session (one per tab, on the server), several colour-coded
 * subscriptions, a publish form, and the live messages list.
 */
/** `mayPublish`: publishing needs operator; a viewer subscribes and watches. */
export function MqttClient({ mayPublish = true }: { mayPublish?: boolean }) {
  const session = useMqttSession();
  const [subs, setSubs] = useState<readonly PageSubscription[]>([]);
  // What incoming batches are matched against: ahead of `subs` while a SUBSCRIBE is in flight, so
  // retained messages that arrive before the answer are not lost.
  const subsRef = useRef<readonly PageSubscription[]>([]);
  const { subscribe: sessionSubscribe, unsubscribe: sessionUnsubscribe } = session;

  const onSubscribe = useCallback(
    async (filter: string, qos: 0 | 1): Promise<MqttResult> => {
      const sub: PageSubscription = { filter, qos, colour: nextColour(subsRef.current), paused: false };
      subsRef.current = [...subsRef.current, sub];
      const result = await sessionSubscribe(filter, qos);
      if (result.ok) setSubs(subsRef.current);
      else subsRef.current = subsRef.current.filter((s) => s !== sub);
      return result;
    },
    [sessionSubscribe],
  );

  const onUnsubscribe = useCallback(
    (filter: string): Promise<MqttResult> => {
      subsRef.current = subsRef.current.filter((s) => s.filter !== filter);
      setSubs(subsRef.current);
      return sessionUnsubscribe(filter);
    },
    [sessionUnsubscribe],
  );

  const onChange = useCallback((filter: string, change: Partial<Pick<PageSubscription, 'colour' | 'paused'>>) => {
    subsRef.current = subsRef.current.map((s) => (s.filter === filter ? { ...s, ...change } : s));
    setSubs(subsRef.current);
  }, []);

  return (
    <div className="space-y-4">
      <ConnectionStatus state={session.state} detail={session.detail} clientId={session.clientId} />
      <div className="grid gap-6 xl:grid-cols-[24rem_minmax(0,1fr)]">
        <div className="space-y-6">
          <SubscriptionsPanel
            subs={subs}
            active={session.subscriptions}
            connected={session.state === 'connected'}
            onSubscribe={onSubscribe}
            onUnsubscribe={onUnsubscribe}
            onChange={onChange}
          />
          {mayPublish ? (
            <PublishForm onPublish={session.publish} />
          ) : (
            <p className="text-sm text-slate-500" data-needs-role="operator">
              Publishing needs operator; viewers subscribe and watch.
            </p>
          )}
        </div>
        <MessagesPanel onMessages={session.onMessages} subsRef={subsRef} subs={subs} dropped={session.dropped} />
      </div>
    </div>
  );
}
