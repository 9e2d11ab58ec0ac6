import { arrangeDevice } from './support/device';
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
      await expect(page.getByLabel('Fleet status')).toContainText(/\d+ connected/);

      await device.client.endAsync();
      await expect(async () => {
        await page.goto(`/things?q=${encodeURIComponent(device.thingName)}`);
        await expect(row()).toContainText('Disconnected · last seen', { timeout: 1000 });
      }).toPass({ timeout: 15_000 });
    } finally {
      await device.cleanup();
    }
  });
});
