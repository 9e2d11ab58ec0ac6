/**
 * Fleet indexing's connectivity (`connectivity.connected`, `.timestamp`, `.disconnectReason` in a SearchIndex
 * ThingDocument) as the dashboard shows presence. Pure.
 *
 * Unlike presence events, the index knows every thing: one that never connected is `connected: false` with no
 * timestamp, so it reads as disconnected, never as unknown.
 */
import type { PresenceView } from './presence-state';

export interface IndexedConnectivity {
  connected: boolean;
  /** Epoch ms of the last connect or disconnect. */
  timestamp?: number;
  disconnectReason?: string;
}

export function viewOfConnectivity(clientId: string, c: IndexedConnectivity): PresenceView {
  const view: PresenceView = { clientId, status: c.connected ? 'connected' : 'disconnected' };
  if (c.timestamp !== undefined && Number.isFinite(c.timestamp) && c.timestamp > 0) view.lastSeen = c.timestamp;
  if (!c.connected && c.disconnectReason) view.lastDisconnectReason = c.disconnectReason;
  return view;
}

/** AWS allows 12 terms in one query: names are asked for in chunks of that many. */
export const NAMES_PER_QUERY = 12;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
