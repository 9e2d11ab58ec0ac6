import {
  AddThingToThingGroupCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  CreateThingTypeCommand,
} from '@aws-sdk/client-iot';

import { clearFaults, createThings, deleteAllThings, emulatorClient, expect, injectFault, test } from './fixtures';
import { setFleetIndexing } from './support/indexing';

test.describe('Things page', () => {
  test('lists the things registered in AWS IoT', async ({ iot, thingsPage }) => {
    const suffix = Date.now().toString(36);
    const names = [`e2e-sensor-${suffix}`, `e2e-gateway-${suffix}`];
    // Other specs leave things behind; start from an empty registry so both fit on the first page.
    await deleteAllThings(iot);
    await createThings(iot, names, { site: 'lab' });

    await thingsPage.goto();

    await expect(thingsPage.heading).toBeVisible();
    for (const name of names) {
      const row = thingsPage.row(name);
      await expect(row).toBeVisible();
      await expect(row).toContainText('site=lab');
    }
  });

  test('shows what to do when the registry is empty', async ({ iot, thingsPage }) => {
    await deleteAllThings(iot);

    await thingsPage.goto();

    await expect(thingsPage.emptyState).toBeVisible();
    await expect(thingsPage.emptyState).toContainText('create-thing');
    await expect(thingsPage.table).toHaveCount(0);
  });

  test('an AWS IoT outage shows a readable error, and Try again recovers', async ({ page, thingsPage }) => {
    // Enough failures to outlast the SDK's retries for the first load.
    await injectFault({ operation: 'ListThings', error: 'ServiceUnavailableException', count: 5 });
    try {
      await thingsPage.goto();
      await expect(thingsPage.error).toContainText('AWS IoT is temporarily unavailable');
      await expect(thingsPage.heading).toBeVisible(); // the console survives, only the list failed
    } finally {
      await clearFaults();
    }

    await page.getByRole('link', { name: 'Try again' }).click();
    await expect(thingsPage.error).toHaveCount(0);
  });

  test('the root address opens the things list', async ({ page, thingsPage }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/things$/);
    await expect(thingsPage.heading).toBeVisible();
  });
});

test.describe('Things search with fleet indexing off (the dashboard’s own index of ListThings)', () => {
  test.beforeAll(async () => {
    const iot = emulatorClient();
    await setFleetIndexing(iot, 'off');
    iot.destroy();
  });
  test.afterAll(async () => {
    const iot = emulatorClient();
    await setFleetIndexing(iot, 'on');
    iot.destroy();
  });

  test('filters by thing type, thing group and attribute', async ({ page, iot, thingsPage }) => {
    const id = Date.now().toString(36);
    const type = `e2e-type-${id}`;
    const group = `e2e-group-${id}`;
    await iot.send(new CreateThingTypeCommand({ thingTypeName: type }));
    await iot.send(new CreateThingGroupCommand({ thingGroupName: group }));
    const typed = `e2e-flt-${id}-typed`;
    const plain = `e2e-flt-${id}-plain`;
    const member = `e2e-flt-${id}-member`;
    await iot.send(
      new CreateThingCommand({
        thingName: typed,
        thingTypeName: type,
        attributePayload: { attributes: { zone: `z${id}` } },
      }),
    );
    await iot.send(new CreateThingCommand({ thingName: plain, attributePayload: { attributes: { zone: `z${id}` } } }));
    await iot.send(new CreateThingCommand({ thingName: member }));
    await iot.send(new AddThingToThingGroupCommand({ thingName: member, thingGroupName: group }));

    await thingsPage.goto();
    await page.getByLabel('Thing type').selectOption(type);
    await thingsPage.searchButton.click();
    await expect(thingsPage.row(typed)).toBeVisible();
    await expect(thingsPage.table.getByRole('row')).toHaveCount(2);

    await page.goto('/things');
    await thingsPage.attribute.fill(`zone=z${id}`);
    await thingsPage.searchButton.click();
    await expect(thingsPage.row(typed)).toBeVisible();
    await expect(thingsPage.row(plain)).toBeVisible();
    await expect(thingsPage.table.getByRole('row')).toHaveCount(3);

    await page.goto('/things');
    await page.getByLabel('Thing group').selectOption(group);
    await thingsPage.searchButton.click();
    await expect(thingsPage.row(member)).toBeVisible();
    await expect(thingsPage.table.getByRole('row')).toHaveCount(2);

    // Group and prefix together are served from the index.
    await thingsPage.searchPrefix(`e2e-flt-${id}-m`);
    await thingsPage.refresh.click();
    await expect(thingsPage.row(member)).toBeVisible();
    await expect(thingsPage.pagination).toContainText('1 thing matches');

    await page.goto('/things');
    await thingsPage.attribute.fill('zone');
    await thingsPage.searchButton.click();
    await expect(page.locator('#attr-error')).toContainText('name=value');
  });

  test('a search pages through its matches', async ({ page, iot, thingsPage }) => {
    const id = Date.now().toString(36);
    const names = Array.from({ length: 30 }, (_, i) => `e2e-pg-${id}-${String(i).padStart(2, '0')}`);
    await createThings(iot, names);

    await thingsPage.goto();
    await thingsPage.searchPrefix(`e2e-pg-${id}`);
    // The things were made outside the dashboard: a search index read before them needs a refresh.
    await thingsPage.refresh.click();
    await expect(thingsPage.pagination).toContainText('30 things match · page 1 of 2');
    await expect(thingsPage.row(names[24]!)).toBeVisible();
    await thingsPage.nextPage.click();
    await expect(thingsPage.pagination).toContainText('page 2 of 2');
    await expect(thingsPage.table.getByRole('row')).toHaveCount(6);
    await expect(thingsPage.row(names[29]!)).toBeVisible();
    await thingsPage.previousPage.click();
    await expect(page).toHaveURL(/page=1/);
    await expect(thingsPage.row(names[0]!)).toBeVisible();
  });
});

test.describe('Things search with fleet indexing on (local mode)', () => {
  test('a name prefix is one SearchIndex query with its number of matches, paged with Next page', async ({
    iot,
    thingsPage,
  }) => {
    const id = Date.now().toString(36);
    const names = Array.from({ length: 30 }, (_, i) => `e2e-fi-${id}-${String(i).padStart(2, '0')}`);
    await createThings(iot, names, { batch: id });

    await thingsPage.goto();
    await thingsPage.searchPrefix(`e2e-fi-${id}`);
    // No refresh needed: the fleet index already has the things made outside the dashboard.
    await expect(thingsPage.pagination).toContainText('30 things match (fleet indexing)');
    await expect(thingsPage.row(names[0]!)).toContainText(`batch=${id}`);
    await expect(thingsPage.table.getByRole('row')).toHaveCount(26);
    await thingsPage.nextPage.click();
    await expect(thingsPage.table.getByRole('row')).toHaveCount(6);
    await expect(thingsPage.row(names[29]!)).toBeVisible();
  });

  test('a group with a name prefix: every filter applied by the index', async ({ page, iot, thingsPage }) => {
    const id = Date.now().toString(36);
    const group = `e2e-fig-${id}`;
    await iot.send(new CreateThingGroupCommand({ thingGroupName: group }));
    await createThings(iot, [`e2e-fig-${id}-a`, `e2e-fig-${id}-b`, `e2e-fig-${id}-c`]);
    for (const thingName of [`e2e-fig-${id}-a`, `e2e-fig-${id}-c`]) {
      await iot.send(new AddThingToThingGroupCommand({ thingName, thingGroupName: group }));
    }
    await thingsPage.goto();
    await page.getByLabel('Thing group').selectOption(group);
    await thingsPage.searchPrefix(`e2e-fig-${id}-`);
    await expect(thingsPage.pagination).toContainText('2 things match (fleet indexing)');
    await expect(thingsPage.row(`e2e-fig-${id}-a`)).toBeVisible();
    await expect(thingsPage.row(`e2e-fig-${id}-b`)).toHaveCount(0);
  });
});
