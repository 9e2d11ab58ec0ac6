import 'server-only';

import mqtt, { type MqttClient } from 'mqtt';

import { readIotConfig } from '@/lib/aws/config';
import { dataAtsEndpoint, resolvedCredentials } from '@/lib/aws/endpoint';

import { presignMqttUrl } from './presign';

/**
 * The dashboard's own MQTT connection, as AWS IoT expects a console-like client: MQTT over WebSocket with
 * a SigV4-presigned URL. In AWS mode that is `wss://<iot:Data-ATS>/mqtt` signed with the SDK's
 * credentials; in local mode the emulator's `/mqtt`, signed with the same throwaway credentials, so
 * the code path is the same in both.
 */
export async function mqttWebSocketUrl(): Promise<string> {
  const config = readIotConfig();
  const base =
    config.mode === 'local'
      ? `${(config.controlEndpoint ?? 'http://127.0.0.1:4580').replace(/^http/, 'ws').replace(/\/$/, '')}/mqtt`
      : `wss://${await dataAtsEndpoint(config)}/mqtt`;
  return presignMqttUrl({
    url: base,
    region: config.region,
    credentials: await resolvedCredentials(config),
    // A day: reconnects within a tab's life reuse the URL.
    expiresIn: 24 * 3600,
  });
}

export async function connectDashboardMqtt(clientId: string): Promise<MqttClient> {
  const url = await mqttWebSocketUrl();
  return mqtt.connect(url, {
    clientId,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
    keepalive: 30,
  });
}
