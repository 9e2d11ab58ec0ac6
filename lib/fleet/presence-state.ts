/**
 * Who is connected, from AWS IoT's lifecycle events (`$aws/events/presence/connected|disconnected/<clientId>`).
 * Pure: the server-side tracker (presence.ts) feeds events in; tests feed them in any order.
 *
 * AWS: "Lifecycle messages might be sent out of order. You might receive duplicate messages." So an event only
 * counts when it is newer than what is known for that client id: by its timestamp (epoch ms), then by its
 * versionNumber (which increases for a client id). A disconnect from an older session (a second connection with
 * the same client id drops the first one: DUPLICATE_CLIENTID) does not mark the newer session disconnected.
 */

import { parsePresenceTopic, type PresenceEventType } from '../mqtt/reserved-topics';

export interface PresenceEvent {
  clientId: string;
  eventType: PresenceEventType;
  timestamp: number;
  versionNumber?: number;
  sessionIdentifier?: string;
  disconnectReason?: string;
  ipAddress?: string;
}

export interface PresenceEntry {
  clientId: string;
  connected: boolean;
  /** The newest event's timestamp (epoch ms); undefined when only a snapshot said it is connected. */
  lastSeen?: number;
  versionNumber?: number;
  sessionIdentifier?: string;
  lastDisconnectReason?: string;
  /** 'event': learned from a lifecycle event; 'snapshot': from a list of connected clients taken at start-up. */
  source: 'event' | 'snapshot';
}

export type PresenceTable = Map<string, PresenceEntry>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a lifecycle message; undefined for anything that is not a well-formed presence event. */
export function parsePresenceEvent(topic: string, payload: string | Uint8Array): PresenceEvent | undefined {
  const target = parsePresenceTopic(topic);
  if (!target) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload));
  } catch {
    return undefined;
  }
  if (!isRecord(body)) return undefined;
  const timestamp = body.timestamp;
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return undefined;
  const event: PresenceEvent = {
    clientId: typeof body.clientId === 'string' && body.clientId ? body.clientId : target.clientId,
    eventType: target.eventType,
    timestamp,
  };
  if (typeof body.versionNumber === 'number') event.versionNumber = body.versionNumber;
  if (typeof body.sessionIdentifier === 'string') event.sessionIdentifier = body.sessionIdentifier;
  if (typeof body.disconnectReason === 'string') event.disconnectReason = body.disconnectReason;
  if (typeof body.ipAddress === 'string') event.ipAddress = body.ipAddress;
  return event;
}

/** Whether `event` is newer than what `entry` already reflects. */
function isNewer(entry: PresenceEntry, event: PresenceEvent): boolean {
  if (entry.source === 'snapshot' || entry.lastSeen === undefined) return true;
  if (event.timestamp !== entry.lastSeen) return event.timestamp > entry.lastSeen;
  if (event.versionNumber !== undefined && entry.versionNumber !== undefined)
    return event.versionNumber > entry.versionNumber;
  // Same millisecond, no version to tell them apart: a disconnect after a connect is the likelier order.
  return entry.connected && event.eventType === 'disconnected';
}

/** Applies one event; returns whether anything changed (a duplicate or stale event changes nothing). */
export function applyPresenceEvent(table: PresenceTable, event: PresenceEvent): boolean {
  const entry = table.get(event.clientId);
  if (entry && !isNewer(entry, event)) return false;
  if (
    entry?.connected &&
    event.eventType === 'disconnected' &&
    entry.sessionIdentifier &&
    event.sessionIdentifier &&
    entry.sessionIdentifier !== event.sessionIdentifier
  ) {
    // The end of an older session (e.g. taken over by the current one): the client is still connected.
    return false;
  }
  const next: PresenceEntry = {
    clientId: event.clientId,
    connected: event.eventType === 'connected',
    lastSeen: event.timestamp,
    source: 'event',
  };
  if (event.versionNumber !== undefined) next.versionNumber = event.versionNumber;
  if (event.sessionIdentifier) next.sessionIdentifier = event.sessionIdentifier;
  const reason = event.eventType === 'disconnected' ? event.disconnectReason : entry?.lastDisconnectReason;
  if (reason) next.lastDisconnectReason = reason;
  table.set(event.clientId, next);
  return true;
}

/** Seeds the table from a list of clients connected now (local mode's start-up snapshot); events always win. */
export function applySnapshot(table: PresenceTable, connectedClientIds: readonly string[]): void {
  for (const clientId of connectedClientIds) {
    if (!table.has(clientId)) table.set(clientId, { clientId, connected: true, source: 'snapshot' });
  }
}

/** What the dashboard shows for one client id. `unknown`: nothing heard since tracking started. */
export type PresenceStatus = 'connected' | 'disconnected' | 'unknown';

export interface PresenceView {
  clientId: string;
  status: PresenceStatus;
  lastSeen?: number;
  lastDisconnectReason?: string;
}

export function viewOf(table: PresenceTable, clientId: string): PresenceView {
  const entry = table.get(clientId);
  if (!entry) return { clientId, status: 'unknown' };
  const view: PresenceView = { clientId, status: entry.connected ? 'connected' : 'disconnected' };
  if (entry.lastSeen !== undefined) view.lastSeen = entry.lastSeen;
  if (entry.lastDisconnectReason) view.lastDisconnectReason = entry.lastDisconnectReason;
  return view;
}

export interface FleetCounts {
  connected: number;
  disconnected: number;
}

/** Counts over every client id heard of (things not listed here are "unknown"). */
export function countPresence(table: PresenceTable, only?: (clientId: string) => boolean): FleetCounts {
  let connected = 0;
  let disconnected = 0;
  for (const entry of table.values()) {
    if (only && !only(entry.clientId)) continue;
    if (entry.connected) connected++;
    else disconnected++;
  }
  return { connected, disconnected };
}
