import { expect, type Locator, type Page } from '@playwright/test';

/** A thing's shadow page as a person sees it: the shadows list, the state table, the desired editor, Activity. */
export class ShadowPage {
  readonly heading: Locator;
  readonly shadowList: Locator;
  readonly stateTable: Locator;
  readonly desiredEditor: Locator;
  readonly saveDesired: Locator;
  readonly activity: Locator;
  readonly activityList: Locator;
  readonly live: Locator;
  readonly noShadow: Locator;
  readonly newNamedShadow: Locator;
  readonly deleteShadow: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.shadowList = page.getByRole('navigation', { name: 'Shadows' });
    this.stateTable = page.getByRole('table', { name: 'Shadow state' });
    this.desiredEditor = page.getByLabel('Desired state', { exact: true });
    this.saveDesired = page.getByRole('button', { name: 'Save desired state' });
    this.activity = page.getByRole('region', { name: 'Activity' });
    this.activityList = page.getByRole('list', { name: 'Shadow activity' });
    this.live = this.activity.getByRole('status').filter({ hasText: 'Live' });
    this.noShadow = page.getByRole('region', { name: 'No shadow yet' });
    this.newNamedShadow = page.getByText('New named shadow');
    this.deleteShadow = page.getByRole('button', { name: 'Delete shadow', exact: true });
  }

  async goto(thingName: string, shadowName?: string): Promise<void> {
    const query = shadowName ? `?shadow=${encodeURIComponent(shadowName)}` : '';
    await this.page.goto(`/things/${encodeURIComponent(thingName)}/shadow${query}`);
    // "Live" appears once the page is hydrated and subscribed: typing before that can be undone by hydration.
    await expect(this.live).toBeVisible();
  }

  /** The state table's row for a field path (e.g. `temperature`, `lights.color`). */
  row(path: string): Locator {
    return this.stateTable.getByRole('row').filter({ has: this.page.getByRole('cell', { name: path, exact: true }) });
  }

  /** Cells of a row: field, desired, reported, delta. */
  cell(path: string, column: 'desired' | 'reported' | 'delta'): Locator {
    const index = { desired: 1, reported: 2, delta: 3 }[column];
    return this.row(path).getByRole('cell').nth(index);
  }

  async editDesired(json: string): Promise<void> {
    await this.desiredEditor.fill(json);
  }

  async createNamedShadow(name: string, desired: string): Promise<void> {
    await this.newNamedShadow.click();
    await this.page.getByLabel('Shadow name').fill(name);
    await this.page.getByLabel('Initial desired state').fill(desired);
    await this.page.getByRole('button', { name: 'Create shadow' }).click();
  }

  shadowLink(name: string): Locator {
    return this.shadowList.getByRole('link', { name, exact: true });
  }

  async deleteCurrentShadow(): Promise<void> {
    await this.deleteShadow.click();
    await this.page.getByRole('button', { name: /^Delete the (classic shadow|shadow ")/ }).click();
  }
}
