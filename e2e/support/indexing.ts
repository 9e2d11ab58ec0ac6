import { type IoTClient, UpdateIndexingConfigurationCommand } from '@aws-sdk/client-iot';

/**
 * The account's fleet indexing for specs that need it off (the dashboard's fallbacks) or back on (the local
 * stack's default, e2e/global-setup.ts). The dashboard reads the configuration at most every few seconds
 * (lib/fleet/indexing-settings.ts SETTINGS_TTL_MS): wait that long so the next page sees the change.
 */
const SETTINGS_TTL_MS = 5000;

export type FleetIndexing = 'on' | 'registry-only' | 'off';

export async function setFleetIndexing(iot: IoTClient, mode: FleetIndexing): Promise<void> {
  await iot.send(
    new UpdateIndexingConfigurationCommand({
      thingIndexingConfiguration:
        mode === 'on'
          ? { thingIndexingMode: 'REGISTRY_AND_SHADOW', thingConnectivityIndexingMode: 'STATUS' }
          : { thingIndexingMode: mode === 'registry-only' ? 'REGISTRY' : 'OFF' },
      thingGroupIndexingConfiguration: { thingGroupIndexingMode: mode === 'on' ? 'ON' : 'OFF' },
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, SETTINGS_TTL_MS + 500));
}
