import 'server-only';

import { readIotConfig } from '@/lib/aws/config';
import { getIndexingSettings, type IndexingSettings } from '@/lib/aws/indexing';

/**
 * Whether the account has fleet indexing on, asked once every few seconds per server process rather than on
 * every page: the answer decides where fleet status and thing search come from (lib/fleet/status.ts,
 * lib/things/listing.ts), and an operator who turns indexing on or off sees the dashboard follow within
 * SETTINGS_TTL_MS. An account the dashboard may not ask (no iot:GetIndexingConfiguration) counts as off.
 */
export const SETTINGS_TTL_MS = 5000;

const OFF: IndexingSettings = {
  thingIndexingMode: 'OFF',
  connectivity: false,
  namedShadows: false,
  thingGroupIndexing: false,
};

let cached: { key: string; at: number; settings: Promise<IndexingSettings> } | undefined;

export function fleetIndexingSettings(): Promise<IndexingSettings> {
  const c = readIotConfig();
  const key = `${c.mode}|${c.region}|${c.controlEndpoint ?? ''}`;
  const now = Date.now();
  if (cached && cached.key === key && now - cached.at < SETTINGS_TTL_MS) return cached.settings;
  const settings = getIndexingSettings().catch(() => OFF);
  cached = { key, at: now, settings };
  return settings;
}

/** Forget the cached answer (tests, and an action that just changed the configuration). */
export function forgetFleetIndexingSettings(): void {
  cached = undefined;
}
