import type { Locator, Page } from '@playwright/test';

/** The certificates list, a certificate's page and the register form, as a person sees them. */
export class CertificatesPage {
  readonly heading: Locator;
  readonly table: Locator;
  readonly emptyState: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Certificates' });
    this.table = page.getByRole('table', { name: 'Certificates' });
    this.emptyState = page.getByRole('region', { name: 'No certificates yet' });
  }

  async goto(query = ''): Promise<void> {
    await this.page.goto(`/certificates${query}`);
  }

  async gotoCertificate(id: string): Promise<void> {
    await this.page.goto(`/certificates/${id}`);
  }

  async gotoRegister(): Promise<void> {
    await this.page.goto('/certificates/register');
  }

  /** The link showing a certificate's short id (first 10 hex digits). */
  idLink(id: string): Locator {
    return this.page.getByRole('link', { name: `Certificate ${id.slice(0, 10)}`, exact: true });
  }

  /** The list row of one certificate. */
  row(id: string): Locator {
    return this.table.getByRole('row').filter({ has: this.idLink(id) });
  }

  // ---- detail page

  fact(term: string): Locator {
    return this.page
      .locator('dl[aria-label="Certificate details"] > div')
      .filter({
        has: this.page.getByRole('term').filter({ hasText: new RegExp(`^${term}$`) }),
      })
      .getByRole('definition');
  }

  get statusBadge(): Locator {
    return this.fact('Status').locator('[data-status]');
  }

  get fingerprint(): Locator {
    return this.page.getByTestId('sha256-fingerprint');
  }

  get keyDescription(): Locator {
    return this.page.getByTestId('key-description');
  }

  button(name: string): Locator {
    return this.page.getByRole('main').getByRole('button', { name, exact: true });
  }

  dialog(name: RegExp | string): Locator {
    return this.page.getByRole('dialog', { name });
  }

  /** A toast or status line with this text. */
  notice(text: string | RegExp): Locator {
    return this.page.getByRole('status').filter({ hasText: text }).first();
  }

  // ---- register form

  get certificateField(): Locator {
    return this.page.getByLabel('Certificate (PEM)', { exact: true });
  }

  get certificateUpload(): Locator {
    return this.page.getByLabel('Upload certificate file', { exact: true });
  }

  get certificateError(): Locator {
    return this.page.locator('#certificatePem-error');
  }

  get caField(): Locator {
    return this.page.getByLabel('CA certificate (PEM)', { exact: true });
  }

  get caError(): Locator {
    return this.page.locator('#caCertificatePem-error');
  }

  get submit(): Locator {
    return this.page.getByRole('button', { name: 'Register certificate' });
  }
}
