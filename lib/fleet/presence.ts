import 'server-only';

import { randomUUID } from 'node:crypto';

import type { MqttClient } from 'mqtt';

import { describeControlEndpoint, readIotConfig } from '@/lib/aws/config';
import { adminHeaders } from '@/lib/local/emulator-admin';
import type { MqttConnectionState } from '@/lib/mqtt/connection-state';
import { connectDashboardMqtt } from '@/lib/mqtt/dashboard-connection';
import { PRESENCE_FILTER } from '@/lib/mqtt/reserved-topics';
import { topicMatches } from '@/lib/mqtt/topic-filter';
import { presenceTrackerService } from '@/lib/server/services';

import {
  applyPresenceEvent,
  applySnapshot,
  countPresence,
  parsePresenceEvent,
  viewOf,
  type FleetCounts,
  type PresenceEvent,
  type PresenceTable,
  type PresenceView,
} from './presence-state';

/**
 * Fleet presence for the whole server process: one long-lived MQTT connection (the dashboard's SigV4 WebSocket,
 * lib/mqtt/dashboard-connection.ts) subscribed to `$aws/events/presence/+/+`, keeping per client id whether it is
 * connected, when it was last seen and why it last disconnected. Started lazily on first use, once per server
 * process (lib/server/services.ts), so a dev-mode module reload does not open a second one.
 *
 * AWS keeps no presence history to ask for: anything before the tracker started is unknown, and is shown as such.
 * The local IoT Core can list who is connected now (/_emulator/clients), which seeds the table at start-up.
 *
 * The same connection also serves short-lived topic watches (the connection check waits for a device's first
 * message on `<thing>/#`), reference-counted per filter. The one tracker is created in lib/server/services.ts.
 */

type MessageListener = (topic: string, payload: Buffer) => void;
type PresenceListener = (event: PresenceEvent, view: PresenceView) => void;

/** The tracker's connection is never closed for good: it keeps trying. */
export type TrackerState = Exclude<MqttConnectionState, 'closed'>;

export class PresenceTracker {
  readonly table: PresenceTable = new Map();
  /** When the tracker first subscribed (epoch ms): nothing before it is known. */
  since: number | undefined;
  state: TrackerState = 'connecting';
  lastError: string | undefined;
  private client: MqttClient | undefined;
  private readonly presenceListeners = new Set<PresenceListener>();
  private readonly watches = new Map<string, Set<MessageListener>>();
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private closed = false;

  constructor() {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    void this.start();
  }

  private async start() {
    if (this.closed) return;
    try {
      const client = await connectDashboardMqtt(`dashboard-presence-${randomUUID().slice(0, 8)}`);
      if (this.closed) {
        client.end(true);
        return;
      }
      this.client = client;
      client.on('connect', () => void this.onConnect(client));
      client.on('reconnect', () => (this.state = 'reconnecting'));
      client.on('offline', () => (this.state = 'offline'));
      client.on('error', (err) => (this.lastError = err.message));
      client.on('message', (topic, payload) => this.onMessage(topic, payload));
    } catch (err) {
      this.state = 'offline';
      this.lastError = err instanceof Error ? err.message : String(err);
      this.markReady();
      // Try again shortly: the emulator or the network may come back.
      setTimeout(() => !this.closed && void this.start(), 5000).unref?.();
    }
  }

  private async onConnect(client: MqttClient) {
    try {
      // Clean sessions: subscribe again after every (re)connect, presence first.
      await client.subscribeAsync([PRESENCE_FILTER, ...this.watches.keys()], { qos: 1 });
      this.since ??= Date.now();
      this.state = 'connected';
      await this.seedFromEmulator();
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
    } finally {
      this.markReady();
    }
  }

  /** Local mode: the emulator knows who is connected now; events that already arrived take precedence. */
  private async seedFromEmulator() {
    const config = readIotConfig();
    if (config.mode !== 'local') return;
    try {
      const base = describeControlEndpoint(config).replace(/\/+$/, '');
      const res = await fetch(`${base}/_emulator/clients`, {
        cache: 'no-store',
        signal: AbortSignal.timeout(3000),
        // An admin route: the emulator's token, from the file the launcher names (lib/local/emulator-admin.ts).
        headers: adminHeaders(),
      });
      if (!res.ok) return;
      const body = (await res.json()) as { clientIds?: unknown };
      if (Array.isArray(body.clientIds)) {
        applySnapshot(
          this.table,
          body.clientIds.filter((id): id is string => typeof id === 'string' && !id.startsWith('dashboard-')),
        );
      }
    } catch {
      // Not the emulator, or not reachable: start from events only.
    }
  }

  private onMessage(topic: string, payload: Buffer) {
    const event = parsePresenceEvent(topic, payload);
    if (event && applyPresenceEvent(this.table, event)) {
      const view = viewOf(this.table, event.clientId);
      for (const listener of this.presenceListeners) listener(event, view);
    }
    for (const [filter, listeners] of this.watches) {
      if (topicMatches(filter, topic)) for (const listener of listeners) listener(topic, payload);
    }
  }

  /** Ends the connection for good (a server process keeps its tracker for life; tests end theirs). */
  async close(): Promise<void> {
    this.closed = true;
    await this.client?.endAsync(true);
  }

  /** Waits (at most `ms`) for the first connection attempt to settle. */
  async whenReady(ms = 4000): Promise<void> {
    await Promise.race([this.ready, new Promise((r) => setTimeout(r, ms))]);
  }

  onPresence(listener: PresenceListener): () => void {
    this.presenceListeners.add(listener);
    return () => this.presenceListeners.delete(listener);
  }

  /** Delivers every message on `filter` to `listener` until the returned function is called. */
  async watch(filter: string, listener: MessageListener): Promise<() => void> {
    let listeners = this.watches.get(filter);
    if (!listeners) {
      listeners = new Set();
      this.watches.set(filter, listeners);
      if (this.client?.connected) await this.client.subscribeAsync(filter, { qos: 0 });
    }
    listeners.add(listener);
    return () => {
      const set = this.watches.get(filter);
      if (!set) return;
      set.delete(listener);
      if (set.size === 0) {
        this.watches.delete(filter);
        if (this.client?.connected) void this.client.unsubscribeAsync(filter).catch(() => undefined);
      }
    };
  }
}

/** The process's tracker, started on first use. */
export async function presenceTracker(): Promise<PresenceTracker> {
  const tracker = presenceTrackerService();
  await tracker.whenReady();
  return tracker;
}

export interface PresenceAnswer {
  /** Per client id asked for. */
  presence: Record<string, PresenceView>;
  /** Whether the tracker is connected now; when it is not, "unknown" is all anyone can say. */
  tracking: boolean;
  /** Since when events are known (epoch ms); undefined when tracking never started. */
  since?: number;
  problem?: string;
}

export async function presenceOf(clientIds: readonly string[]): Promise<PresenceAnswer> {
  const tracker = await presenceTracker();
  const presence: Record<string, PresenceView> = {};
  for (const id of clientIds) presence[id] = viewOf(tracker.table, id);
  return answer(tracker, { presence });
}

export interface FleetCountsAnswer extends FleetCounts {
  /** Of the client ids asked about, how many nothing is known of (all of them when no list was given: 0). */
  unknown: number;
  tracking: boolean;
  since?: number;
  problem?: string;
}

/** Connected / disconnected counts: over `clientIds` when given (the others count as unknown), else over everyone heard of. */
export async function fleetCounts(clientIds?: readonly string[]): Promise<FleetCountsAnswer> {
  const tracker = await presenceTracker();
  const wanted = clientIds ? new Set(clientIds) : undefined;
  const counts = countPresence(tracker.table, wanted ? (id) => wanted.has(id) : (id) => !id.startsWith('dashboard-'));
  const unknown = wanted ? wanted.size - counts.connected - counts.disconnected : 0;
  return answer(tracker, { ...counts, unknown });
}

function answer<T extends object>(
  tracker: PresenceTracker,
  body: T,
): T & { tracking: boolean; since?: number; problem?: string } {
  return {
    ...body,
    tracking: tracker.state === 'connected',
    ...(tracker.since !== undefined ? { since: tracker.since } : {}),
    ...(tracker.state !== 'connected'
      ? {
          problem: `Presence is not being tracked right now (${tracker.state}${tracker.lastError ? `: ${tracker.lastError}` : ''}).`,
        }
      : {}),
  };
}
