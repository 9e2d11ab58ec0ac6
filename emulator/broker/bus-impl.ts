import type { Aedes } from 'aedes';
import type { BusListener, BusMessage, ConnectionRef, MessageBus } from './bus';

/** Delivers a packet to one connection (the broker knows its clients and their subscriptions). */
export type DirectDelivery = (
  to: ConnectionRef,
  packet: { topic: string; payload: Buffer; qos: 0 | 1 },
) => Promise<boolean>;

/**
 * The MessageBus over an aedes broker. It exists before the broker starts so the emulator's context can
 * hold it from the beginning; `attach` connects it once aedes is up.
 */
export class BrokerBus implements MessageBus {
  private aedes: Aedes | undefined;
  private listeners: { listener: BusListener; prefix: string }[] = [];
  private direct: DirectDelivery | undefined;

  attach(aedes: Aedes, direct: DirectDelivery): void {
    this.aedes = aedes;
    this.direct = direct;
  }

  publishToConnection(
    to: ConnectionRef,
    topic: string,
    payload: Buffer | string,
    opts: { qos?: 0 | 1 } = {},
  ): Promise<boolean> {
    if (!this.direct) return Promise.reject(new Error('the message broker is not running'));
    return this.direct(to, {
      topic,
      payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
      qos: opts.qos ?? 0,
    });
  }

  publish(topic: string, payload: Buffer | string, opts: { qos?: 0 | 1; retain?: boolean } = {}): Promise<void> {
    const aedes = this.aedes;
    if (!aedes) return Promise.reject(new Error('the message broker is not running'));
    return new Promise((resolve, reject) => {
      aedes.publish(
        {
          cmd: 'publish',
          topic,
          payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
          qos: opts.qos ?? 0,
          retain: opts.retain ?? false,
          dup: false,
        },
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }

  onMessage(listener: BusListener, topicPrefix = ''): () => void {
    const entry = { listener, prefix: topicPrefix };
    this.listeners = [...this.listeners, entry];
    return () => {
      this.listeners = this.listeners.filter((e) => e !== entry);
    };
  }

  /** @internal whether any listener wants messages on `topic` (the broker builds none otherwise). */
  wants(topic: string): boolean {
    for (const { prefix } of this.listeners) if (topic.startsWith(prefix)) return true;
    return false;
  }

  /** @internal called by the broker for every accepted message a listener wants. */
  emit(msg: BusMessage): void {
    for (const { listener, prefix } of this.listeners) {
      if (!msg.topic.startsWith(prefix)) continue;
      try {
        listener(msg);
      } catch {
        // A listener's bug must not take the broker down; listeners report their own errors.
      }
    }
  }
}
