import type { Client } from 'aedes';
import { topicMatches } from '../../lib/mqtt/topic-filter';
import type { EmulatorContext } from '../context';
import type { Session } from './authorization';
import type { ConnectionRef } from './bus';
import { parseShared, toExternal } from './shared-subscriptions';

/**
 * What the broker does for one connection alone rather than for a topic's subscribers: answers that go back on
 * the connection that asked (the fleet provisioning API), and the end of a provisioning claim's connection.
 */

type SubscribedClient = Client & { subscriptions: Record<string, { qos?: number } | undefined> };

/**
 * Delivers `packet` to the connection `to` names, when it is still that connection (same session), it has a
 * subscription matching the topic, and its iot:Receive allows it (aedes's authorizeForward runs inside
 * `client.publish`). The QoS is at most the best matching subscription's.
 */
export function deliverToConnection(
  clients: Record<string, Client>,
  sessionOf: (client: Client | null) => Session | undefined,
  to: ConnectionRef,
  packet: { topic: string; payload: Buffer; qos: 0 | 1 },
): Promise<boolean> {
  const client = clients[to.clientId] as SubscribedClient | undefined;
  if (!client?.connected || sessionOf(client)?.sessionIdentifier !== to.sessionIdentifier) {
    return Promise.resolve(false);
  }
  let granted = -1;
  for (const [internal, sub] of Object.entries(client.subscriptions)) {
    const external = toExternal(internal);
    const filter = parseShared(external)?.filter ?? external;
    if (topicMatches(filter, packet.topic)) granted = Math.max(granted, sub?.qos ?? 0);
  }
  if (granted < 0) return Promise.resolve(false);
  const qos = Math.min(packet.qos, granted) as 0 | 1;
  return new Promise((resolve) => {
    client.publish(
      { cmd: 'publish', topic: packet.topic, payload: packet.payload, qos, retain: false, dup: false },
      (err?: Error | null) => resolve(!err),
    );
  });
}

/**
 * A CreateProvisioningClaim certificate is good for five minutes: a connection made with it ends when its claim
 * does, so the claim cannot be used past its expiration (the handshake refuses it from then on).
 */
export function claimCutOff(ctx: EmulatorContext, client: Client, session: Session, log: (line: string) => void) {
  if (session.kind !== 'device' || !session.claim) return;
  const timer = setTimeout(
    () => {
      log(`provisioning claim ${session.certificateId} expired: closing client ${client.id}`);
      session.disconnectReason = 'AUTH_ERROR';
      client.close();
    },
    Math.max(0, session.claim.expiration - ctx.now()),
  );
  timer.unref();
  client.conn.once('close', () => clearTimeout(timer));
}
