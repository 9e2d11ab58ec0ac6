import 'server-only';

import { countThings, quoteTerm, searchThings } from '@/lib/aws/indexing';

import { chunk, NAMES_PER_QUERY, viewOfConnectivity } from './connectivity';
import { fleetIndexingSettings } from './indexing-settings';
import { fleetCounts, presenceOf } from './presence';
import type { FleetCounts, PresenceView } from './presence-state';

/**
 * The things list's fleet status (connected / last seen per thing, and the fleet's counts), from the best
 * source the account offers:
 * - fleet indexing with connectivity on (local mode always, AWS when the operator enabled it): SearchIndex
 *   for the listed things and GetStatistics for the counts; it knows every thing, including those that
 *   connected before the dashboard started or never connected;
 * - otherwise the presence tracker (lib/fleet/presence.ts): lifecycle events heard since it started.
 */
export type FleetStatusSource = 'fleet-indexing' | 'presence-events';

export interface FleetStatus {
  source: FleetStatusSource;
  presence: Record<string, PresenceView>;
  counts: FleetCounts;
  /** Presence events only: since when they are known (epoch ms). */
  since?: number;
}

async function fromIndex(names: readonly string[]): Promise<FleetStatus> {
  const presence: Record<string, PresenceView> = {};
  const [pages, connected, disconnected] = await Promise.all([
    Promise.all(
      chunk(names, NAMES_PER_QUERY).map((part) =>
        searchThings({ queryString: `thingName:(${part.map(quoteTerm).join(' OR ')})`, maxResults: 100 }),
      ),
    ),
    countThings('connectivity.connected:true'),
    countThings('connectivity.connected:false'),
  ]);
  for (const page of pages) {
    for (const thing of page.things) {
      if (thing.connectivity) presence[thing.name] = viewOfConnectivity(thing.name, thing.connectivity);
    }
  }
  return { source: 'fleet-indexing', presence, counts: { connected, disconnected } };
}

/** Undefined when neither source can answer (indexing off and the tracker not connected). */
export async function fleetStatus(names: readonly string[]): Promise<FleetStatus | undefined> {
  const settings = await fleetIndexingSettings();
  if (settings.connectivity) return fromIndex(names);
  const [answer, counts] = await Promise.all([presenceOf(names), fleetCounts()]);
  if (!answer.tracking) return undefined;
  return {
    source: 'presence-events',
    presence: answer.presence,
    counts: { connected: counts.connected, disconnected: counts.disconnected },
    ...(answer.since !== undefined ? { since: answer.since } : {}),
  };
}
