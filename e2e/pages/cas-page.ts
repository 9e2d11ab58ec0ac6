import type { Download, Locator, Page } from '@playwright/test';

const pemFile = (name: string, pem: string) => ({ name, mimeType: 'application/x-pem-file', buffer: Buffer.from(pem) });

/** The CAs & JITP pages as an operator uses them. */
export class CasPage {
  constructor(readonly page: Page) {}

  // ---- /cas

  async goto(): Promise<void> {
    await this.page.goto('/cas');
  }

  get pendingTable(): Locator {
    return this.page.getByRole('table', { name: 'Certificates waiting for activation' });
  }

  pendingRow(certificateId: string): Locator {
    return this.page.locator(`tr[data-certificate-id="${certificateId}"]`);
  }

  async activate(certificateId: string): Promise<void> {
    await this.page.getByRole('button', { name: `Activate certificate ${certificateId.slice(0, 12)}` }).click();
  }

  // ---- /cas/new

  async gotoNew(): Promise<void> {
    await this.page.goto('/cas/new');
  }

  async createInBrowser(commonName: string): Promise<void> {
    await this.page.getByLabel('Common name').fill(commonName);
    await this.page.getByRole('button', { name: 'Create CA in this browser' }).click();
    await this.page.getByText('Download the CA key now').waitFor();
  }

  async downloadCaZip(): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: 'Download CA key and certificate (zip)' }).click();
    return download;
  }

  async uploadCa(certificatePem: string, privateKeyPem: string): Promise<void> {
    await this.page.getByLabel('Upload an existing CA').check();
    await this.page.getByLabel('CA certificate file').setInputFiles(pemFile('ca-certificate.pem', certificatePem));
    await this.page.getByLabel('CA private key file').setInputFiles(pemFile('ca-private-key.pem', privateKeyPem));
  }

  get registerButton(): Locator {
    return this.page.getByRole('button', { name: 'Register CA' });
  }

  // ---- /cas/[id]

  async gotoCa(id: string): Promise<void> {
    await this.page.goto(`/cas/${id}`);
  }

  async attachDefaultTemplate(): Promise<void> {
    await this.page.getByRole('button', { name: 'Use the default template' }).click();
    await this.page.getByText('Template looks right').waitFor();
    await this.page.getByRole('button', { name: 'Save template' }).click();
  }

  // ---- /cas/[id]/sign

  async gotoSign(id: string): Promise<void> {
    await this.page.goto(`/cas/${id}/sign`);
  }

  async chooseKey(privateKeyPem: string): Promise<void> {
    await this.page.getByLabel('CA private key file').setInputFiles(pemFile('ca-private-key.pem', privateKeyPem));
    await this.page.getByText('Key matches the CA certificate').waitFor();
  }

  async signAndDownload(names: string[]): Promise<Download> {
    await this.page.getByLabel('Device names (one per line)').fill(names.join('\n'));
    const download = this.page.waitForEvent('download', { timeout: 30_000 });
    await this.page.getByRole('button', { name: /^Sign .*certificates? and download zip$/ }).click();
    return download;
  }
}
