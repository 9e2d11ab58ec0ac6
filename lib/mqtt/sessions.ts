import 'server-only';

import { randomUUID } from 'node:crypto';

import type { MqttClient } from 'mqtt';

import { mqttSessionRegistry } from '@/lib/server/services';

import type { MqttConnectionState } from './connection-state';
import { connectDashboardMqtt } from './dashboard-connection';
import { MessageRelay, type RelayBatch } from './relay';

/**
 * One server-side MQTT session per open dashboard tab, relayed to the tab over Server-Sent Events.
 * The session lives exactly as long as the tab's SSE stream: when the stream closes the session
 * unsubscribes and disconnects, so a closed tab leaves no connection on the broker.
 */
export type SessionEvent =
  | { type: 'session'; id: string; clientId: string }
  | { type: 'state'; state: MqttConnectionState; detail?: string }
  | { type: 'batch'; batch: RelayBatch }
  | { type: 'subscriptions'; subscriptions: { filter: string; qos: 0 | 1 }[] };

export class DashboardMqttSession {
  readonly id = randomUUID();
  readonly clientId = `dashboard-${this.id.slice(0, 8)}`;
  private client: MqttClient | undefined;
  private readonly relay: MessageRelay;
  private readonly subscriptions = new Map<string, 0 | 1>();
  private closed = false;

  constructor(private readonly emit: (event: SessionEvent) => void) {
    this.relay = new MessageRelay((batch) => this.emit({ type: 'batch', batch }));
  }

  async open(): Promise<void> {
    this.emit({ type: 'session', id: this.id, clientId: this.clientId });
    this.emit({ type: 'state', state: 'connecting' });
    const client = await connectDashboardMqtt(this.clientId);
    if (this.closed) {
      client.end(true);
      return;
    }
    this.client = client;
    client.on('connect', () => {
      this.emit({ type: 'state', state: 'connected' });
      // mqtt.js re-subscribes by itself after a reconnect (resubscribe: true); nothing to redo here.
    });
    client.on('reconnect', () => this.emit({ type: 'state', state: 'reconnecting' }));
    client.on('offline', () => this.emit({ type: 'state', state: 'offline' }));
    client.on('error', (err) => this.emit({ type: 'state', state: 'reconnecting', detail: err.message }));
    client.on('message', (topic, payload, packet) => {
      this.relay.push(topic, payload, packet.qos, Boolean(packet.retain));
    });
  }

  private requireClient(): MqttClient {
    if (!this.client || this.closed) throw new SessionGoneError();
    return this.client;
  }

  async subscribe(filter: string, qos: 0 | 1): Promise<{ granted: boolean }> {
    const granted = await this.requireClient().subscribeAsync(filter, { qos });
    const ok = granted.every((g) => g.qos !== 128);
    if (ok) this.subscriptions.set(filter, qos);
    this.emitSubscriptions();
    return { granted: ok };
  }

  async unsubscribe(filter: string): Promise<void> {
    await this.requireClient().unsubscribeAsync(filter);
    this.subscriptions.delete(filter);
    this.emitSubscriptions();
  }

  async publish(topic: string, payload: Uint8Array, qos: 0 | 1, retain: boolean): Promise<void> {
    await this.requireClient().publishAsync(topic, Buffer.from(payload), { qos, retain });
  }

  private emitSubscriptions() {
    this.emit({
      type: 'subscriptions',
      subscriptions: [...this.subscriptions].map(([filter, qos]) => ({ filter, qos })),
    });
  }

  /** Unsubscribes and disconnects; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.relay.close();
    const client = this.client;
    if (!client) return;
    try {
      if (client.connected && this.subscriptions.size) await client.unsubscribeAsync([...this.subscriptions.keys()]);
    } catch {
      // Closing anyway.
    }
    this.subscriptions.clear();
    await client.endAsync().catch(() => client.end(true));
  }
}

export class SessionGoneError extends Error {
  constructor() {
    super('This MQTT session has ended; reload the page to start a new one.');
  }
}

/** The sessions of this server process (one registry per process: lib/server/services.ts). */
export function registerSession(session: DashboardMqttSession): void {
  mqttSessionRegistry().set(session.id, session);
}

export function unregisterSession(id: string): void {
  mqttSessionRegistry().delete(id);
}

export function findSession(id: string): DashboardMqttSession | undefined {
  return mqttSessionRegistry().get(id);
}

export function openSessionCount(): number {
  return mqttSessionRegistry().size;
}
