import type { Aedes, Client } from 'aedes';

/**
 * Shared subscriptions (`$share/{ShareName}/{TopicFilter}`), which AWS IoT Core offers on MQTT 5 and on
 * MQTT 3.1.1 alike: each message matching the filter goes to one connected member of the group, in turn.
 *
 * aedes has no shared subscriptions (it refuses `$share/` on MQTT 5), so the broker renames such a filter
 * in the SUBSCRIBE/UNSUBSCRIBE packet before aedes reads it (see {@link toInternal}): aedes then keeps the
 * subscription's whole bookkeeping (SUBACK, the client's subscription list, persistent sessions, UNSUBACK)
 * on a name no PUBLISH can match, and this module delivers the messages, once per group, through the
 * chosen member's own delivery path (so its iot:Receive check and QoS apply as for any subscription).
 */
const SHARE_PREFIX = '$share/';
/** What aedes sees instead of `$share/`: reserved, so no client may publish to a topic under it. */
const INTERNAL_PREFIX = '$aws/emulator-shared/';

export interface SharedFilter {
  group: string;
  filter: string;
}

/** `$share/g/a/b` -> { group: 'g', filter: 'a/b' }; undefined when it is no (well-formed) shared filter. */
export function parseShared(topic: string): SharedFilter | undefined {
  if (!topic.startsWith(SHARE_PREFIX)) return undefined;
  const rest = topic.slice(SHARE_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const group = rest.slice(0, slash);
  const filter = rest.slice(slash + 1);
  if (/[+#]/.test(group) || filter.length === 0) return undefined;
  return { group, filter };
}

export const isShared = (topic: string) => topic.startsWith(SHARE_PREFIX);
/** A client naming the internal form itself is refused: it is the broker's own. */
export const isInternal = (topic: string) => topic.startsWith(INTERNAL_PREFIX);
export const toInternal = (topic: string) =>
  topic.startsWith(SHARE_PREFIX) ? INTERNAL_PREFIX + topic.slice(SHARE_PREFIX.length) : topic;
export const toExternal = (topic: string) =>
  topic.startsWith(INTERNAL_PREFIX) ? SHARE_PREFIX + topic.slice(INTERNAL_PREFIX.length) : topic;

interface Member {
  client: Client;
  qos: 0 | 1;
}

interface Group {
  filter: string;
  members: Member[];
  next: number;
  listener: (packet: DeliverablePacket, cb: () => void) => void;
}

interface DeliverablePacket {
  topic: string;
  qos: number;
  [key: string]: unknown;
}

type Delivering = Client & {
  deliver0(packet: DeliverablePacket, cb: () => void): void;
  deliverQoS(packet: DeliverablePacket, cb: () => void): void;
  closed: boolean;
};

export class SharedSubscriptions {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly aedes: Aedes) {}

  /** Adds (or updates) `client` as a member of the group named by the internal topic `internal`. */
  join(client: Client, internal: string, qos: 0 | 1): void {
    const shared = parseShared(toExternal(internal));
    if (!shared) return;
    const key = `${shared.group}\u0000${shared.filter}`;
    let group = this.groups.get(key);
    if (!group) {
      const created: Group = {
        filter: shared.filter,
        members: [],
        next: 0,
        listener: (packet, cb) => this.deliver(created, packet, cb),
      };
      group = created;
      this.groups.set(key, group);
      this.aedes.subscribe(shared.filter, group.listener as never, () => {});
    }
    const existing = group.members.find((m) => m.client === client);
    if (existing) existing.qos = qos;
    else group.members.push({ client, qos });
  }

  leave(client: Client, internal: string): void {
    const shared = parseShared(toExternal(internal));
    if (!shared) return;
    const key = `${shared.group}\u0000${shared.filter}`;
    const group = this.groups.get(key);
    if (!group) return;
    group.members = group.members.filter((m) => m.client !== client);
    if (group.members.length === 0) {
      this.groups.delete(key);
      this.aedes.unsubscribe(group.filter, group.listener as never, () => {});
    }
  }

  /** A closed connection leaves every group (a persistent session rejoins when it resumes). */
  leaveAll(client: Client): void {
    for (const [key, group] of this.groups) {
      if (!group.members.some((m) => m.client === client)) continue;
      group.members = group.members.filter((m) => m.client !== client);
      if (group.members.length === 0) {
        this.groups.delete(key);
        this.aedes.unsubscribe(group.filter, group.listener as never, () => {});
      }
    }
  }

  private deliver(group: Group, packet: DeliverablePacket, cb: () => void) {
    // Like any wildcard subscription, a filter starting with a wildcard does not match `$` topics.
    const first = group.filter.charCodeAt(0);
    if (packet.topic.charCodeAt(0) === 36 && (first === 35 || first === 43)) return cb();
    const n = group.members.length;
    for (let i = 0; i < n; i++) {
      const member = group.members[(group.next + i) % n]!;
      const client = member.client as Delivering;
      if (client.closed || !client.connected) continue;
      group.next = (group.next + i + 1) % n;
      const qos = Math.min(packet.qos, member.qos);
      const copy = { ...packet, qos };
      if (qos > 0) client.deliverQoS(copy, cb);
      else client.deliver0(copy, cb);
      return;
    }
    cb();
  }
}
