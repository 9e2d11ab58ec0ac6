import type { Download, Locator, Page } from '@playwright/test';

/** The bulk onboarding page and a job's page, as an operator uses them. */
export class BulkPage {
  readonly heading: Locator;
  readonly csv: Locator;
  readonly check: Locator;
  readonly preview: Locator;
  readonly excludeBad: Locator;
  readonly policyName: Locator;
  readonly jobName: Locator;
  readonly status: Locator;
  readonly devices: Locator;
  readonly download: Locator;
  /** Whether the job's private keys are held in this browser, saved, or not here. */
  readonly keysStatus: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Bulk onboarding' });
    this.csv = page.getByLabel('CSV', { exact: true });
    this.check = page.getByRole('button', { name: 'Check the list' });
    this.preview = page.getByRole('table', { name: 'Preview of the devices' });
    this.excludeBad = page.getByLabel(/Leave out the \d+ rows? with problems/);
    this.policyName = page.getByLabel('Policy name', { exact: true });
    this.jobName = page.getByLabel('Job name', { exact: true });
    this.status = page.getByTestId('job-status');
    this.devices = page.getByRole('table', { name: 'Devices of the job' });
    this.download = page.getByRole('button', { name: 'Download the zip' });
    this.keysStatus = page.getByTestId('keys-status');
  }

  async goto(): Promise<void> {
    await this.page.goto('/bulk');
  }

  async fillGenerator(prefix: string, count: number, digits = 2): Promise<void> {
    await this.page.getByLabel('A prefix and a count').check();
    await this.page.getByLabel('Name prefix').fill(prefix);
    await this.page.getByLabel('How many').fill(String(count));
    await this.page.getByLabel('Digits (zero-padded)').fill(String(digits));
  }

  onboardButton(count: number): Locator {
    return this.page.getByRole('button', { name: `Make keys and onboard ${count} device${count === 1 ? '' : 's'}` });
  }

  deviceRow(thingName: string): Locator {
    return this.page.getByTestId(`device-${thingName}`);
  }

  async downloadZip(): Promise<Download> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.download.click()]);
    return download;
  }
}
