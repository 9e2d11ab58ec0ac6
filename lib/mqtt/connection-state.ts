/**
 * The state of one of the dashboard's MQTT connections, as its server side reports it (lib/mqtt/sessions.ts, the
 * fleet presence tracker) and its pages show it (components/mqtt): mqtt.js's `connect`, `reconnect` and `offline`
 * events, and `closed` once the connection has been ended for good.
 */
export type MqttConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed';
