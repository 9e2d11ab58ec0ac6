import type { Aedes, Client } from 'aedes';
import type { SessionJournal } from './session-journal';

/**
 * When persistent sessions end, as AWS IoT Core ends them: a session outlives its connection for its
 * Session Expiry Interval (MQTT 3.1.1 with clean session 0: the account's persistent-session expiry, one
 * hour by default; MQTT 5: what the client asked for, held to the same quota), counted from the moment
 * the broker saw the client go. Reconnecting in time resumes it; otherwise its subscriptions and queued
 * messages are discarded. The deadline is journalled, so it also holds across an emulator restart.
 *
 * aedes times MQTT 5 sessions itself but not MQTT 3.1.1 ones, and no timer survives a restart; this
 * module times every persistent session (aedes's own MQTT 5 timer, when it fires first, wipes the same).
 */
export class SessionExpiry {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly aedes: Aedes,
    private readonly journal: SessionJournal,
    private readonly now: () => number,
  ) {
    aedes.on('client', (client) => this.connected(client));
    aedes.on('clientDisconnect', (client) => this.disconnected(client));
    // Sessions restored from the journal: their clients are all away now.
    for (const [clientId, s] of journal.sessions) {
      const at = s.expiresAt ?? this.now() + (s.interval ?? 0) * 1000;
      this.schedule(clientId, at, s.interval);
    }
  }

  private connected(client: Client) {
    this.cancel(client.id);
    if (!client.clean) {
      const interval = (client as Client & { sessionExpiryInterval?: number }).sessionExpiryInterval;
      this.journal.setExpiry(client.id, undefined, interval);
    }
  }

  private disconnected(client: Client) {
    if (client.clean) return;
    const interval = (client as Client & { sessionExpiryInterval?: number }).sessionExpiryInterval ?? 0;
    this.schedule(client.id, this.now() + interval * 1000, interval);
  }

  private schedule(clientId: string, at: number, interval: number | undefined) {
    this.cancel(clientId);
    this.journal.setExpiry(clientId, at, interval);
    const timer = setTimeout(() => this.expire(clientId), Math.max(0, at - this.now()));
    timer.unref();
    this.timers.set(clientId, timer);
  }

  private cancel(clientId: string) {
    const timer = this.timers.get(clientId);
    if (timer) clearTimeout(timer);
    this.timers.delete(clientId);
  }

  private expire(clientId: string) {
    this.timers.delete(clientId);
    const current = (this.aedes as unknown as { clients: Record<string, Client> }).clients[clientId];
    if (current?.connected) return; // resumed meanwhile
    this.journal.wipe(clientId).catch(() => {});
  }

  close() {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
