import { parsePresenceTopic } from '../../lib/mqtt/reserved-topics';
import type { EmulatorContext } from '../context';
import type { ConnectivityRecord } from '../store/records';

/**
 * How long connectivity changes gather before one commit writes them. A device that connects and
 * disconnects over and over (or a fleet reconnecting at once) then costs one journal write per period
 * instead of two per connection; AWS's own connectivity index is eventually consistent, seconds behind.
 */
const COMMIT_EVERY_MS = 25;

/**
 * Connectivity for fleet indexing (`connectivity.connected`, `.timestamp`, `.disconnectReason`), kept from the
 * broker's own lifecycle events on the message bus, for client ids that are things (AWS tracks the connection
 * whose client id is the thing's name). Kept in the store, so "last seen" survives a restart; at start-up
 * nobody is connected yet, so what a previous process left connected is marked disconnected. Changes are
 * committed together every {@link COMMIT_EVERY_MS} (each client's latest), and at once when tracking stops.
 */
export function trackConnectivity(ctx: EmulatorContext): () => void {
  const now = ctx.now();
  const stale = [...ctx.store.c.connectivity.values()].filter((c) => c.connected);
  if (stale.length) {
    ctx.store.commit((tx) => {
      for (const c of stale) {
        tx.put('connectivity', c.clientId, {
          ...c,
          connected: false,
          timestamp: now,
          disconnectReason: 'SERVER_INITIATED_DISCONNECT',
        });
      }
    });
  }
  const pending = new Map<string, ConnectivityRecord>();
  let timer: NodeJS.Timeout | undefined;
  const commit = () => {
    timer = undefined;
    if (pending.size === 0 || ctx.store.isClosed) return;
    const records = [...pending.values()];
    pending.clear();
    ctx.store.commit((tx) => {
      // A thing deleted meanwhile keeps no connectivity (DeleteThing removed it).
      for (const r of records) if (tx.c.things.has(r.clientId)) tx.put('connectivity', r.clientId, r);
    });
  };
  const stop = ctx.bus.onMessage((msg) => {
    if (msg.clientId !== undefined) return;
    const target = parsePresenceTopic(msg.topic);
    if (!target || !ctx.store.c.things.has(target.clientId) || ctx.store.isClosed) return;
    let event: { timestamp?: unknown; versionNumber?: unknown; disconnectReason?: unknown };
    try {
      event = JSON.parse(msg.payload.toString('utf8'));
    } catch {
      return;
    }
    if (typeof event.timestamp !== 'number') return;
    const previous = pending.get(target.clientId) ?? ctx.store.c.connectivity.get(target.clientId);
    // Events can come late: an older one never overwrites a newer state.
    if (previous && previous.timestamp > event.timestamp) return;
    const record: ConnectivityRecord = {
      clientId: target.clientId,
      connected: target.eventType === 'connected',
      timestamp: event.timestamp,
      ...(typeof event.versionNumber === 'number' ? { versionNumber: event.versionNumber } : {}),
    };
    const reason =
      target.eventType === 'disconnected' && typeof event.disconnectReason === 'string'
        ? event.disconnectReason
        : previous?.disconnectReason;
    if (reason) record.disconnectReason = reason;
    pending.set(record.clientId, record);
    timer ??= setTimeout(commit, COMMIT_EVERY_MS).unref();
  }, '$aws/events/presence/');
  return () => {
    stop();
    if (timer) clearTimeout(timer);
    commit();
  };
}
