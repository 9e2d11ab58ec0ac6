import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { startTestEmulator, type TestEmulator } from '../../emulator/test/harness';
import { LOCAL_CREDENTIALS } from '../local/credentials';
import { ADMIN_TOKEN_FILE_ENV, ADMIN_TOKEN_FILE_NAME } from '../local/emulator-admin';
import { ALLOW_ALL, connectDevice, onboardDevice } from '../../emulator/test/devices';
import { PresenceTracker } from './presence';
import { viewOf } from './presence-state';

/**
 * Local mode, a dashboard (re)started while devices are already connected: its presence tracker reads who is
 * connected from the local IoT Core at start (/_emulator/clients), so the fleet shows those devices connected
 * at once, before any of them reconnects (no lifecycle event about them has been sent since). Real emulator,
 * a real device over mutual TLS, the tracker's own SigV4 WebSocket connection.
 */

let t: TestEmulator;
const saved = { ...process.env };

before(async () => {
  t = await startTestEmulator();
  Object.assign(process.env, {
    IOT_MODE: 'local',
    AWS_ENDPOINT_URL_IOT: t.url,
    AWS_ENDPOINT_URL_IOT_DATA_PLANE: t.url,
    AWS_REGION: t.emulator.config.region,
    // What the launcher gives the dashboard: the emulator's own pair (it checks SigV4 on MQTT over WebSocket).
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    // And where the admin token is: /_emulator/clients, which seeds the table, is an admin route.
    [ADMIN_TOKEN_FILE_ENV]: path.join(t.dataDir, ADMIN_TOKEN_FILE_NAME),
  });
});

after(async () => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  await t?.close();
});

test('a restarted dashboard shows devices connected before they reconnect, then follows their events', async () => {
  const creds = await onboardDevice(t, 'restart-dev-1', { name: 'restart-allow-all', document: ALLOW_ALL });
  const device = await connectDevice(t, creds, 'restart-dev-1');
  let tracker: PresenceTracker | undefined;
  try {
    // The dashboard starts now: the device connected before it and sends nothing.
    tracker = new PresenceTracker();
    await tracker.whenReady(10_000);
    assert.equal(tracker.state, 'connected', tracker.lastError);
    assert.equal(viewOf(tracker.table, 'restart-dev-1').status, 'connected');
    assert.equal(tracker.table.get('restart-dev-1')?.source, 'snapshot');
    // Its own connection is not a device.
    assert.ok(![...tracker.table.keys()].some((id) => id.startsWith('dashboard-')));

    // From then on the lifecycle events keep it current.
    await device.endAsync();
    const deadline = Date.now() + 5000;
    while (viewOf(tracker.table, 'restart-dev-1').status !== 'disconnected' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(viewOf(tracker.table, 'restart-dev-1').status, 'disconnected');
  } finally {
    device.end(true);
    await tracker?.close();
  }
});
