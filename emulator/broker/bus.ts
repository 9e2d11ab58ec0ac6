/**
 * The emulator's message bus: how services that are not MQTT clients (the shadow service, the fleet provisioning
 * service, the HTTP Publish API, lifecycle and certificate events) publish into the broker and hear what it
 * accepts.
 */
export interface BusMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  retain: boolean;
  /** The MQTT client that published it; undefined for the emulator's own and HTTP publishes. */
  clientId?: string;
  /**
   * The connection it came in on (MQTT publishes to `$aws/...` topics only), so that a reserved-topic service can
   * answer that connection alone.
   */
  connection?: ConnectionRef & { certificateId?: string };
}

/** One broker connection: its client id and the session identifier of the lifecycle events. */
export interface ConnectionRef {
  clientId: string;
  sessionIdentifier: string;
}

export type BusListener = (msg: BusMessage) => void;

export interface MessageBus {
  /** Delivers to subscribers (each delivery still passes their iot:Receive check) and keeps retained ones. */
  publish(topic: string, payload: Buffer | string, opts?: { qos?: 0 | 1; retain?: boolean }): Promise<void>;
  /**
   * Sends to one connection only, as AWS answers the fleet provisioning API "through the same MQTT connection
   * used to publish the API request": delivered when that connection is still up, has a subscription matching
   * the topic (at most that subscription's QoS) and may receive it (iot:Receive). Resolves whether it went.
   */
  publishToConnection(
    to: ConnectionRef,
    topic: string,
    payload: Buffer | string,
    opts?: { qos?: 0 | 1 },
  ): Promise<boolean>;
  /**
   * Called for every message the broker accepted, from a device or from `publish`, after authorisation,
   * whose topic starts with `topicPrefix` (every message when omitted: then each one costs the broker a
   * call, so a listener that needs few topics names their prefix). Listeners must not throw; they run
   * before the message is routed to subscribers.
   */
  onMessage(listener: BusListener, topicPrefix?: string): () => void;
}
