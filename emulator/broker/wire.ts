import mqttPacket from 'mqtt-packet';
import { connackCapabilities } from './limits';
import { Outbox } from './outbox';

/**
 * The last word on what the broker puts on the wire for MQTT 5, where aedes's own choices differ from
 * AWS IoT Core's: the capabilities a successful CONNACK advertises (QoS 1 at most, no subscription
 * identifiers, shared subscriptions available) and the precise reason codes of refused SUBSCRIBE filters
 * and PUBLISHes (aedes answers every refusal with 0x87; AWS says 0x8F for an invalid filter, 0x97 when a
 * quota is exceeded, ...).
 *
 * aedes serialises every packet with mqtt-packet's `writeToStream`, looked up on the module at each call,
 * so one wrapper (installed once per process) sees each outgoing packet. On a broker connection (one
 * given an {@link Outbox} by {@link useOutbox}) every packet goes through the outbox; streams that are no
 * broker connection (an in-process mqtt.js client) are left as they were. Reason codes are registered
 * per connection stream and packet identifier by the broker's hooks, before aedes writes the
 * acknowledgement.
 */
type Packet = mqttPacket.Packet & { properties?: Record<string, unknown>; granted?: number[]; reasonCode?: number };

/** On a subscription the broker refuses: the MQTT 5 reason code its SUBACK entry should carry. */
export const REFUSAL = Symbol('refusal-reason');
export type RefusableSubscription = { topic: string; [REFUSAL]?: number };

/** Per connection: `cmd:packet identifier` -> a PUBACK's reason code, or the SUBSCRIBE a SUBACK answers. */
const pendingAcks = new WeakMap<object, Map<string, number | { subscriptions: RefusableSubscription[] }>>();
/** Per broker connection: the outbox its PUBLISH packets gather in. */
const outboxes = new WeakMap<object, Outbox>();
let installed = false;
let capabilities: Record<string, unknown> = {};

export function installWireAdjustments(sessionExpiryMaxS: number): void {
  const { sessionExpiryMaxS: _, ...props } = connackCapabilities(sessionExpiryMaxS);
  capabilities = props;
  if (installed) return;
  installed = true;
  const original = mqttPacket.writeToStream;
  const wrapped = ((packet: Packet, stream: object, opts?: { protocolVersion?: number }) => {
    const version = opts?.protocolVersion ?? 4;
    if (packet.cmd !== 'publish' && version === 5) adjust(packet, stream);
    const outbox = outboxes.get(stream);
    if (outbox) {
      try {
        return packet.cmd === 'publish'
          ? outbox.publish(packet as mqttPacket.IPublishPacket, version)
          : outbox.control(packet, version);
      } catch {
        // Not a packet mqtt-packet can write either: it says so on the stream, as it always did.
        outbox.flush();
      }
    }
    return original(packet, stream as never, opts);
  }) as typeof mqttPacket.writeToStream;
  Object.assign(wrapped, original);
  (mqttPacket as { writeToStream: typeof mqttPacket.writeToStream }).writeToStream = wrapped;
}

function adjust(packet: Packet, stream: object) {
  switch (packet.cmd) {
    case 'connack':
      // Only a successful CONNACK carries capabilities (aedes gives it properties then).
      if (!packet.reasonCode && packet.properties) Object.assign(packet.properties, capabilities);
      return;
    case 'suback':
    case 'puback': {
      const pending = pendingAcks.get(stream);
      if (!pending?.size) return;
      const key = `${packet.cmd}:${packet.messageId}`;
      const entry = pending.get(key);
      if (entry === undefined) return;
      pending.delete(key);
      if (typeof entry === 'number') {
        if (packet.reasonCode) packet.reasonCode = entry;
      } else if (packet.granted) {
        // aedes acknowledges the SUBSCRIBE's (de-duplicated) subscriptions in order.
        const subs = entry.subscriptions;
        packet.granted = packet.granted.map((g, i) => (g >= 0x80 ? (subs[i]?.[REFUSAL] ?? g) : g));
      }
      return;
    }
  }
}

/** Makes `stream` a broker connection whose packets go through an {@link Outbox}, and returns it. */
export function useOutbox(stream: NodeJS.WritableStream): Outbox {
  const outbox = new Outbox(stream);
  outboxes.set(stream, outbox);
  return outbox;
}

function pendingOf(stream: object) {
  let pending = pendingAcks.get(stream);
  if (!pending) pendingAcks.set(stream, (pending = new Map()));
  return pending;
}

/** The reason code the PUBACK of this refused QoS 1 PUBLISH carries on this connection. */
export function setPubackReason(stream: object, messageId: number, code: number) {
  pendingOf(stream).set(`puback:${messageId}`, code);
}

/** Its SUBACK takes each refused filter's code from the subscription's {@link REFUSAL} mark. */
export function trackSubscribe(stream: object, packet: { messageId?: number; subscriptions: RefusableSubscription[] }) {
  pendingOf(stream).set(`suback:${packet.messageId}`, packet);
}

/** MQTT 5 reason codes AWS IoT Core sends (MQTT 5.0 section 2.4). */
export const Reason = {
  Success: 0x00,
  NoSubscriptionExisted: 0x11,
  UnspecifiedError: 0x80,
  ProtocolError: 0x82,
  ClientIdentifierNotValid: 0x85,
  NotAuthorized: 0x87,
  KeepAliveTimeout: 0x8d,
  SessionTakenOver: 0x8e,
  TopicFilterInvalid: 0x8f,
  TopicNameInvalid: 0x90,
  PacketTooLarge: 0x95,
  QuotaExceeded: 0x97,
  AdministrativeAction: 0x98,
  QosNotSupported: 0x9b,
} as const;
