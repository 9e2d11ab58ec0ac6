/**
 * Lifecycle event payloads as AWS IoT publishes them on `$aws/events/...` (timestamps in epoch ms); their
 * topics are built in lib/mqtt/reserved-topics.ts (presenceTopic, subscriptionEventTopic).
 * https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html
 */

export interface PresenceBase {
  clientId: string;
  timestamp: number;
  sessionIdentifier: string;
  principalIdentifier: string;
  versionNumber: number;
}

export function connectedEvent(base: PresenceBase, ipAddress: string | undefined) {
  return { ...base, eventType: 'connected', ipAddress: ipAddress?.replace(/^::ffff:/, '') };
}

export function disconnectedEvent(base: PresenceBase, disconnectReason: string) {
  return {
    ...base,
    eventType: 'disconnected',
    clientInitiatedDisconnect: disconnectReason === 'CLIENT_INITIATED_DISCONNECT',
    disconnectReason,
  };
}

export function subscriptionEvent(
  kind: 'subscribed' | 'unsubscribed',
  base: Omit<PresenceBase, 'versionNumber'>,
  topics: string[],
) {
  return { ...base, eventType: kind, topics };
}

/**
 * Lifecycle events leave after the turn that made them: a connection's CONNACK (or its socket's close
 * after DISCONNECT) goes out first, and serialising the event, routing it and what listeners do with it
 * (fleet indexing's connectivity) follow right after, before the broker reads anything more.
 * Events keep their order; each carries the timestamp and reason of the moment it happened.
 * {@link drain} publishes what waits and every later event at once (a closing broker).
 */
export class LifecycleEvents {
  private pending: { topic: string; body: unknown }[] = [];
  private scheduled = false;
  private draining = false;

  constructor(private readonly publish: (topic: string, payload: string) => void) {}

  push(topic: string, body: unknown): void {
    if (this.draining) {
      this.publish(topic, JSON.stringify(body));
      return;
    }
    this.pending.push({ topic, body });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(flushEvents, this);
    }
  }

  flush(): void {
    this.scheduled = false;
    const events = this.pending;
    this.pending = [];
    for (const { topic, body } of events) this.publish(topic, JSON.stringify(body));
  }

  drain(): void {
    this.draining = true;
    this.flush();
  }
}

function flushEvents(events: LifecycleEvents) {
  events.flush();
}
