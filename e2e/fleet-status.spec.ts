import { arrangeDevice } from './support/device';
import { setFleetIndexing } from './support/indexing';
import { expect, test } from './fixtures';

test.describe('fleet status on the things list', () => {
  test('a connected device shows as connected, then as disconnected with when it was last seen', async ({
    page,
    iot,
  }) => {
    const device = await arrangeDevice(iot, 'fleet');
    try {
      const row = () => page.getByRole('row').filter({ hasText: device.thingName });
      await expect(async () => {
        await page.goto(`/things?q=${encodeURIComponent(device.thingName)}&refresh=1`);
        await expect(row()).toContainText('Connected', { timeout: 1000 });
      }).toPass({ timeout: 15_000 });
      // Local mode has fleet indexing on: the status comes from SearchIndex and GetStatistics.
      await expect(page.getByLabel('Fleet status')).toContainText(/\d+ connected/);
      await expect(page.getByLabel('Fleet status')).toContainText('(from fleet indexing)');

      await device.client.endAsync();
      await expect(async () => {
        await page.goto(`/things?q=${encodeURIComponent(device.thingName)}`);
        await expect(row()).toContainText('Disconnected · last seen', { timeout: 1000 });
      }).toPass({ timeout: 15_000 });
    } finally {
      await device.cleanup();
    }
  });

  test('with connectivity indexing off, the status falls back to the presence events the dashboard hears', async ({
    page,
    iot,
  }) => {
    await setFleetIndexing(iot, 'registry-only');
    try {
      const device = await arrangeDevice(iot, 'fleet-fallback');
      try {
        const row = () => page.getByRole('row').filter({ hasText: device.thingName });
        await expect(async () => {
          await page.goto(`/things?q=${encodeURIComponent(device.thingName)}&refresh=1`);
          await expect(page.getByLabel('Fleet status')).toContainText('tracking since', { timeout: 1000 });
        }).toPass({ timeout: 20_000 });
        // The device connected before the tracker started: reconnecting makes an event it hears.
        device.client.reconnect();
        await expect(async () => {
          await page.goto(`/things?q=${encodeURIComponent(device.thingName)}&refresh=1`);
          await expect(row()).toContainText('Connected', { timeout: 1000 });
        }).toPass({ timeout: 20_000 });
      } finally {
        await device.cleanup();
      }
    } finally {
      await setFleetIndexing(iot, 'on');
    }
  });
});
