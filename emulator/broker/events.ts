/**
 * Lifecycle event payloads as AWS IoT publishes them on `$aws/events/...` (timestamps in epoch ms).
 * https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html
 */
export const presenceTopic = (kind: 'connected' | 'disconnected', clientId: string) =>
  `$aws/events/presence/${kind}/${clientId}`;
export const subscriptionTopic = (kind: 'subscribed' | 'unsubscribed', clientId: string) =>
  `$aws/events/subscriptions/${kind}/${clientId}`;

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
