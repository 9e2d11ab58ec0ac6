import type { Download, Locator, Page } from '@playwright/test';

export type CredentialModeLabel =
  | 'Key made in this browser'
  | 'AWS-generated keys'
  | 'My own certificate'
  | 'My own CSR';

/** The one-screen onboarding page as an operator uses it. */
export class OnboardPage {
  readonly heading: Locator;
  readonly form: Locator;
  readonly thingName: Locator;
  readonly thingNameError: Locator;
  readonly keyAlgorithm: Locator;
  readonly certificatePem: Locator;
  readonly csrPem: Locator;
  readonly csrUpload: Locator;
  readonly policyName: Locator;
  readonly submit: Locator;
  readonly progress: Locator;
  readonly failure: Locator;
  readonly formMessage: Locator;
  readonly downloadAgain: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Onboard a device' });
    this.form = page.getByRole('form', { name: 'Onboard a device' });
    this.thingName = page.getByLabel('Thing name', { exact: true });
    this.thingNameError = page.locator('#thingName-error');
    this.keyAlgorithm = page.getByLabel('Key algorithm', { exact: true });
    this.certificatePem = page.getByLabel('Device certificate (PEM)', { exact: true });
    this.csrPem = page.getByLabel('Certificate signing request (PEM)', { exact: true });
    this.csrUpload = page.getByLabel('Upload certificate signing request (pem) file');
    this.policyName = page.getByLabel('Policy name', { exact: true });
    this.submit = page.getByRole('button', { name: 'Onboard device' });
    this.progress = page.getByRole('list', { name: 'Onboarding progress' });
    this.failure = page.getByRole('region', { name: 'Onboarding failure' });
    this.formMessage = this.form.getByRole('alert');
    this.downloadAgain = page.getByRole('button', { name: 'Download credential bundle' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/onboard');
  }

  credentialMode(label: CredentialModeLabel): Locator {
    return this.page.getByRole('radio', { name: new RegExp(`^${label}`) });
  }

  /** One step of the progress list, by id (keys, thing, certificate, policy, attach-policy, attach-thing). */
  step(id: string): Locator {
    return this.progress.locator(`li[data-step="${id}"]`);
  }

  summary(thingName: string): Locator {
    return this.page.getByRole('region', { name: `Device ${thingName} onboarded` });
  }

  async fill(opts: {
    thingName: string;
    mode?: CredentialModeLabel;
    certificatePem?: string;
    csrPem?: string;
  }): Promise<void> {
    await this.thingName.fill(opts.thingName);
    if (opts.mode) await this.credentialMode(opts.mode).check();
    if (opts.certificatePem !== undefined) await this.certificatePem.fill(opts.certificatePem);
    if (opts.csrPem !== undefined) await this.csrPem.fill(opts.csrPem);
  }

  /** Presses Onboard and waits for the bundle the page downloads when every step is done. */
  async onboardAndDownload(): Promise<Download> {
    const download = this.page.waitForEvent('download', { timeout: 30_000 });
    await this.submit.click();
    return download;
  }
}
