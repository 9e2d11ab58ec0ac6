import type { Locator, Page } from '@playwright/test';

/** The Policies section as a person sees it: the list, the create form, and one policy's page. */
export class PoliciesPage {
  readonly listHeading: Locator;
  readonly table: Locator;
  readonly newPolicyLink: Locator;

  // The create form.
  readonly nameField: Locator;
  readonly nameError: Locator;
  readonly documentEditor: Locator;
  readonly documentError: Locator;
  readonly advice: Locator;
  readonly createButton: Locator;

  // One policy's page.
  readonly versions: Locator;
  readonly newVersionEditor: Locator;
  readonly setAsDefault: Locator;
  readonly createVersionButton: Locator;
  readonly compareButton: Locator;
  readonly targets: Locator;
  readonly certificateField: Locator;
  readonly attachButton: Locator;
  readonly confirmField: Locator;
  readonly deleteEverywhereButton: Locator;

  constructor(readonly page: Page) {
    const main = page.getByRole('main');
    this.listHeading = page.getByRole('heading', { level: 1, name: 'Policies' });
    this.table = page.getByRole('table', { name: 'Policies' });
    this.newPolicyLink = main.getByRole('link', { name: 'New policy' });

    this.nameField = page.getByLabel('Policy name');
    this.nameError = page.locator('#name-error');
    this.documentEditor = page.getByRole('textbox', { name: 'Policy document' });
    this.documentError = page.locator('#document-error');
    this.advice = page.getByRole('region', { name: 'Policy advice' });
    this.createButton = page.getByRole('button', { name: 'Create policy' });

    this.versions = page.getByRole('table', { name: 'Versions' });
    this.newVersionEditor = page.getByRole('textbox', { name: 'New version document' });
    this.setAsDefault = page.getByLabel('Set as the default version');
    this.createVersionButton = page.getByRole('button', { name: 'Create version' });
    this.compareButton = page.getByRole('button', { name: 'Compare' });
    this.targets = page.getByRole('table', { name: 'Targets' });
    this.certificateField = page.getByLabel('Certificate id or ARN');
    this.attachButton = page.getByRole('button', { name: 'Attach', exact: true });
    this.confirmField = page.getByLabel(/^Type .* to confirm$/);
    this.deleteEverywhereButton = page.getByRole('button', { name: 'Detach everywhere and delete' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/policies');
  }

  async gotoNew(): Promise<void> {
    await this.page.goto('/policies/new');
  }

  async gotoPolicy(name: string): Promise<void> {
    await this.page.goto(`/policies/${encodeURIComponent(name)}`);
  }

  /** The list row whose name cell is exactly `name`. */
  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }

  versionRow(id: string): Locator {
    return this.versions.getByRole('row').filter({ has: this.page.getByRole('link', { name: `v${id}`, exact: true }) });
  }

  template(title: string | RegExp): Locator {
    return this.page.getByRole('radio', { name: title });
  }

  diff(from: string, to: string): Locator {
    return this.page.getByRole('region', { name: `Changes from v${from} to v${to}` });
  }
}
