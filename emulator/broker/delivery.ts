import type { Aedes, Client } from 'aedes';
import type { Outbox } from './outbox';

/**
 * QoS 0 delivery written straight into the connection's outbox. aedes's own `deliver0` puts every
 * delivery on a `setImmediate` turn of its own and copies the packet once more before writing it (it
 * guards against a deep stack when a subscriber's callback runs synchronously); here the packet is
 * encoded at once and only the completion callback waits, for the end of the turn with the outbox's
 * flush (one timer for all of a turn's deliveries), which keeps that guard.
 * What aedes checks is checked alike, in the same order: MQTT 5 No Local, the per-broker duplicate
 * filter, then `authorizeForward` (iot:Receive), and nothing goes to a connection that is not open.
 *
 * Installed on a client before its first subscription, since aedes captures `deliver0` when it
 * subscribes; `deliverQoS` (QoS 1, and persistent sessions) is aedes's own.
 */
type AedesClient = Client & {
  deliver0(packet: Deliverable, cb: () => void): void;
  duplicates: Record<string, number>;
  connecting: boolean;
  errored: boolean;
  version: number | null;
  waitForDrain(cb: (err?: Error | null) => void): void;
  _onError(err: Error): void;
};

interface Deliverable {
  topic: string;
  qos: number;
  clientId?: string;
  nl?: boolean;
  brokerId?: string;
  brokerCounter?: number;
  [key: string]: unknown;
}

export function deliverQoS0Through(outbox: Outbox, client: Client, broker: Aedes): void {
  const c = client as AedesClient;
  const authorizeForward = (broker as unknown as { authorizeForward(c: Client, p: Deliverable): Deliverable | null })
    .authorizeForward;
  // Deliveries that found the socket full wait for one 'drain' together (aedes would give each its own
  // drain callback and timer turn); aedes's drain timeout still cuts off a subscriber that stops reading.
  let waiting: (() => void)[] | undefined;
  const releaseWaiting = (err?: Error | null) => {
    const callbacks = waiting ?? [];
    waiting = undefined;
    if (err) c._onError(err);
    for (const cb of callbacks) cb();
  };
  c.deliver0 = function deliverQoS0(packet, cb) {
    // [MQTT-3.8.3-3] No Local: not back to the client that published it.
    if (packet.clientId === c.id && packet.nl) return outbox.afterTurn(cb);
    if (!firstFromBroker(c, packet)) return outbox.afterTurn(cb);
    const toForward = authorizeForward.call(broker, c, packet);
    if (!toForward || !(c.connecting || c.connected)) return outbox.afterTurn(cb);
    let writable = true;
    try {
      writable = outbox.publish(toForward as never, c.version === 5 ? 5 : 4, 0);
    } catch (err) {
      c._onError(err as Error);
    }
    if (writable || c.errored) outbox.afterTurn(cb);
    else if (waiting) waiting.push(cb);
    else {
      waiting = [cb];
      c.waitForDrain(releaseWaiting);
    }
  };
}

/** aedes's duplicate filter: each broker's messages reach a client once, in counter order. */
function firstFromBroker(client: AedesClient, packet: Deliverable): boolean {
  const id = packet.brokerId;
  if (!id) return true;
  const counter = packet.brokerCounter ?? 0;
  if ((client.duplicates[id] ?? 0) >= counter) return false;
  client.duplicates[id] = counter;
  return true;
}
