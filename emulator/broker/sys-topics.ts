import type { Aedes, PublishPacket } from 'aedes';

/** aedes's publish as its own handlers call it: (packet, callback) or (packet, client, callback). */
type InternalPublish = (packet: PublishPacket, clientOrCallback?: unknown, callback?: unknown) => void;

/**
 * aedes announces every connect, disconnect, SUBSCRIBE and UNSUBSCRIBE (with the client's id and its filters),
 * and a heartbeat, on `$SYS/<broker id>/...`, for the other brokers of an aedes cluster. AWS IoT Core has no
 * `$SYS` topics and this broker has no peers: a device allowed to subscribe to `$SYS/#` would learn who else
 * connects and what they listen to, as nobody can on AWS. So those announcements are dropped before they are
 * routed (which also spares each connect and disconnect a trip through the router). Devices cannot publish
 * there either: hooks.ts refuses a PUBLISH to a reserved topic.
 */
export function silenceSysTopics(aedes: Aedes): void {
  const publish = aedes.publish.bind(aedes) as InternalPublish;
  const silenced: InternalPublish = (packet, clientOrCallback, callback) => {
    if (!packet.topic.startsWith('$SYS/')) return publish(packet, clientOrCallback, callback);
    const done = typeof clientOrCallback === 'function' ? clientOrCallback : callback;
    if (typeof done === 'function') done();
  };
  aedes.publish = silenced as Aedes['publish'];
}
