import type { Locator, Page } from '@playwright/test';

/** The Things page as a person sees it: a table of things, or an empty state, or an error. */
export class ThingsPage {
  readonly heading: Locator;
  readonly table: Locator;
  readonly emptyState: Locator;
  readonly error: Locator;
  readonly nextPage: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Things' });
    this.table = page.getByRole('table', { name: 'Things' });
    this.emptyState = page.getByRole('region', { name: 'No things yet' });
    // Scoped to main: Next.js adds its own (empty) role=alert route announcer to the body.
    this.error = page.getByRole('main').getByRole('alert');
    this.nextPage = page.getByRole('link', { name: 'Next page' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/things');
  }

  /** The row whose first cell is exactly `name`. */
  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('cell', { name, exact: true }) });
  }
}
