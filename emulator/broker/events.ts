/**
 * Lifecycle event payloads as AWS IoT publishes them on `$aws/events/...` (timestamps in epoch ms); their
 * topics are built in lib/mqtt/reserved-topics.ts (presenceTopic, subscriptionEventTopic).
 * https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html
 */

export interface PresenceBase {
  clientId: string;
  timestamp: number;
  sessionIdentifier: string;
  principalIdentifier: string;
  versionNumber: number;
}

export function connectedEvent(base: PresenceBase, ipAddress: string | undefined) {
  return { ...base, eventType: 'connected', ipAddress: ipAddress?.replace(/^::ffff:/, '') };
}

export function disconnectedEvent(base: PresenceBase, disconnectReason: string) {
  return {
    ...base,
    eventType: 'disconnected',
    clientInitiatedDisconnect: disconnectReason === 'CLIENT_INITIATED_DISCONNECT',
    disconnectReason,
  };
}

export function subscriptionEvent(
  kind: 'subscribed' | 'unsubscribed',
  base: Omit<PresenceBase, 'versionNumber'>,
  topics: string[],
) {
  return { ...base, eventType: kind, topics };
}
