import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateThingCommand, UpdateIndexingConfigurationCommand } from '@aws-sdk/client-iot';

import { ALLOW_ALL, connectDevice, onboardDevice } from '../../emulator/test/devices';
import { pointDashboardAt, startTestEmulator, TEST_CREDENTIALS, type TestEmulator } from '../../emulator/test/harness';
import { presenceTrackerService } from '../server/services';
import { chunk, viewOfConnectivity } from './connectivity';
import { forgetFleetIndexingSettings } from './indexing-settings';
import { fleetStatus } from './status';

describe('connectivity as presence (pure)', () => {
  test('connected, disconnected with last seen and why, never connected', () => {
    assert.deepEqual(viewOfConnectivity('a', { connected: true, timestamp: 5 }), {
      clientId: 'a',
      status: 'connected',
      lastSeen: 5,
    });
    assert.deepEqual(viewOfConnectivity('a', { connected: false, timestamp: 9, disconnectReason: 'CONNECTION_LOST' }), {
      clientId: 'a',
      status: 'disconnected',
      lastSeen: 9,
      lastDisconnectReason: 'CONNECTION_LOST',
    });
    assert.deepEqual(viewOfConnectivity('a', { connected: false }), { clientId: 'a', status: 'disconnected' });
  });

  test('names are asked for twelve at a time (AWS’s terms per query)', () => {
    assert.deepEqual(
      chunk([1, 2, 3, 4, 5], 2).map((c) => c.length),
      [2, 2, 1],
    );
    assert.deepEqual(chunk([], 12), []);
  });
});

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('fleet status against the local IoT Core', () => {
  let t: TestEmulator;
  const names = Array.from({ length: 14 }, (_, i) => `fs-${String(i).padStart(2, '0')}`);
  before(async () => {
    // Local mode: fleet indexing on, as scripts/start.ts starts it.
    t = await startTestEmulator({ fleetIndexing: true, credentials: TEST_CREDENTIALS });
    pointDashboardAt(t);
    forgetFleetIndexingSettings();
    for (const thingName of names.slice(1)) await t.iot.send(new CreateThingCommand({ thingName }));
  });
  after(async () => {
    await presenceTrackerService().close();
    await t.close();
  });

  test('with indexing on: every listed thing from the index, connected or not, and the fleet’s counts', async () => {
    const creds = await onboardDevice(t, names[0]!, { name: 'fs-all', document: ALLOW_ALL });
    const client = await connectDevice(t, creds, names[0]!);
    const status = await until(
      () => fleetStatus(names),
      (s) => s?.presence[names[0]!]?.status === 'connected',
    );
    assert.equal(status?.source, 'fleet-indexing');
    assert.equal(status?.presence[names[0]!]?.status, 'connected');
    assert.ok(status?.presence[names[0]!]?.lastSeen);
    // Things that never connected are known to be disconnected, across more than one query of 12 names.
    for (const name of names.slice(1))
      assert.deepEqual(status?.presence[name], { clientId: name, status: 'disconnected' });
    assert.deepEqual(status?.counts, { connected: 1, disconnected: names.length - 1 });

    await client.endAsync();
    const after = await until(
      () => fleetStatus([names[0]!]),
      (s) => s?.presence[names[0]!]?.status === 'disconnected',
    );
    assert.equal(after?.presence[names[0]!]?.lastDisconnectReason, 'CLIENT_INITIATED_DISCONNECT');
    assert.ok(after?.presence[names[0]!]?.lastSeen);
  });

  test('with connectivity indexing off: the presence tracker’s events instead', async () => {
    await t.iot.send(
      new UpdateIndexingConfigurationCommand({ thingIndexingConfiguration: { thingIndexingMode: 'REGISTRY' } }),
    );
    forgetFleetIndexingSettings();
    const first = await fleetStatus(names);
    assert.equal(first?.source, 'presence-events');
    assert.ok(first?.since, 'tracking since the tracker subscribed');
    // Nothing heard yet about a thing that never connected: unknown, unlike the index.
    assert.equal(first?.presence[names[1]!]?.status, 'unknown');

    const creds = await onboardDevice(t, 'fs-late', { name: 'fs-all', document: ALLOW_ALL });
    const client = await connectDevice(t, creds, 'fs-late');
    const heard = await until(
      () => fleetStatus(['fs-late']),
      (s) => s?.presence['fs-late']?.status === 'connected',
    );
    assert.equal(heard?.source, 'presence-events');
    assert.equal(heard?.presence['fs-late']?.status, 'connected');
    await client.endAsync();
  });
});
