import type { Download, Locator, Page } from '@playwright/test';

/** The Audit page, as an admin uses it. */
export class AuditPage {
  readonly heading: Locator;
  readonly events: Locator;
  readonly action: Locator;
  readonly resource: Locator;
  readonly outcome: Locator;
  readonly filter: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Audit trail' });
    this.events = page.getByTestId('audit-event');
    this.action = page.getByLabel('Action', { exact: true });
    this.resource = page.getByLabel('Resource (id or ARN)');
    this.outcome = page.getByLabel('Outcome');
    this.filter = page.getByRole('button', { name: 'Filter' });
  }

  async goto(search = ''): Promise<void> {
    await this.page.goto(`/audit${search}`);
  }

  async export(format: 'CSV' | 'JSON'): Promise<Download> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByRole('link', { name: `Export ${format}` }).click(),
    ]);
    return download;
  }
}
