/**
 * AWS IoT Core's documented MQTT limits where they go beyond the topic rules in lib/mqtt/topics.ts
 * ("MQTT 5 supported features", "AWS IoT differences from MQTT specifications" and the message-broker
 * quotas). Values an account can have raised are the defaults here, with the documented ceiling beside.
 */

/** Highest Topic Alias a client may use (CONNACK Topic Alias Maximum). */
export const TOPIC_ALIAS_MAXIMUM = 8;
/** Unacknowledged QoS 1 publishes a client may have in flight to the broker (CONNACK Receive Maximum). */
export const RECEIVE_MAXIMUM = 100;
/**
 * The largest MQTT packet AWS accepts, advertised as CONNACK Maximum Packet Size: 146 KB, so that a
 * 128 KB payload fits with its topic and properties. The payload itself is still held to 128 KB.
 */
export const MAXIMUM_PACKET_SIZE = 146 * 1024;
/** AWS IoT supports QoS 0 and 1 only (CONNACK Maximum QoS). */
export const MAXIMUM_QOS = 1;

/** Keep-alive AWS accepts, in seconds: shorter is raised to the minimum, 0 or longer uses the maximum. */
export const KEEP_ALIVE_MIN_S = 30;
export const KEEP_ALIVE_MAX_S = 1200;

/**
 * Persistent sessions: an MQTT 3.1.1 session (clean session 0) ends one hour after its client went away;
 * the account quota can raise that to 7 days. An MQTT 5 client asks for its own Session Expiry
 * Interval, which the broker holds to the same quota.
 */
export const SESSION_EXPIRY_DEFAULT_S = 3600;
export const SESSION_EXPIRY_MAX_S = 7 * 24 * 3600;
/** Message Expiry Interval above this is lowered to it (7 days). */
export const MESSAGE_EXPIRY_MAX_S = 7 * 24 * 3600;
/** QoS 1 messages kept for one offline persistent session; older ones beyond it are dropped. */
export const QUEUED_MESSAGES_PER_SESSION = 500;

/** What an MQTT 5 CONNACK tells the client about this broker, as AWS IoT Core's does. */
export function connackCapabilities(sessionExpiryMaxS: number) {
  return {
    topicAliasMaximum: TOPIC_ALIAS_MAXIMUM,
    receiveMaximum: RECEIVE_MAXIMUM,
    maximumPacketSize: MAXIMUM_PACKET_SIZE,
    maximumQoS: MAXIMUM_QOS,
    retainAvailable: true,
    wildcardSubscriptionAvailable: true,
    // AWS IoT Core does not support Subscription Identifiers.
    subscriptionIdentifiersAvailable: false,
    sharedSubscriptionAvailable: true,
    sessionExpiryMaxS,
  };
}
