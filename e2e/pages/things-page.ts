import type { Locator, Page } from '@playwright/test';

/** The Things page as a person sees it: a table of things, or an empty state, or an error. */
export class ThingsPage {
  readonly heading: Locator;
  readonly table: Locator;
  readonly emptyState: Locator;
  readonly noMatches: Locator;
  readonly error: Locator;
  readonly nextPage: Locator;
  readonly previousPage: Locator;
  readonly prefix: Locator;
  readonly attribute: Locator;
  readonly searchButton: Locator;
  readonly pagination: Locator;
  /** Re-reads the registry into the search index (things made outside the dashboard since it was read). */
  readonly refresh: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Things' });
    this.table = page.getByRole('table', { name: 'Things' });
    this.emptyState = page.getByRole('region', { name: 'No things yet' });
    this.noMatches = page.getByRole('region', { name: 'No things match' });
    // Scoped to main: Next.js adds its own (empty) role=alert route announcer to the body.
    this.error = page.getByRole('main').getByRole('alert');
    this.nextPage = page.getByRole('link', { name: 'Next page' });
    this.previousPage = page.getByRole('link', { name: 'Previous page' });
    this.prefix = page.getByLabel('Name starts with');
    this.attribute = page.getByLabel('Attribute (name=value)');
    this.searchButton = page.getByRole('button', { name: 'Search' });
    this.pagination = page.getByRole('navigation', { name: 'Pagination' });
    this.refresh = page.getByRole('main').getByRole('link', { name: 'Refresh', exact: true });
  }

  async goto(): Promise<void> {
    await this.page.goto('/things');
  }

  /** Types a name prefix into the search and submits it. */
  async searchPrefix(prefix: string): Promise<void> {
    await this.prefix.fill(prefix);
    await this.searchButton.click();
    await this.page.waitForURL(/[?&]q=/);
  }

  /** The row whose first cell is exactly `name`. */
  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('cell', { name, exact: true }) });
  }
}

/** The attribute rows editor shared by the create form and the thing's Attributes section. */
export class AttributeRows {
  readonly addButton: Locator;
  readonly groupError: Locator;

  constructor(
    readonly page: Page,
    readonly scope: Locator,
  ) {
    this.addButton = scope.getByRole('button', { name: 'Add attribute' });
    this.groupError = scope.locator('#attributes-error');
  }

  name(n: number): Locator {
    return this.scope.getByLabel(`Attribute ${n} name`, { exact: true });
  }

  value(n: number): Locator {
    return this.scope.getByLabel(`Attribute ${n} value`, { exact: true });
  }

  remove(n: number): Locator {
    return this.scope.getByRole('button', { name: `Remove attribute ${n}`, exact: true });
  }

  /** Fills the rows from 1, adding rows as needed (the editor starts with `existing` rows). */
  async fill(pairs: readonly [string, string][], existing: number): Promise<void> {
    for (let i = 0; i < pairs.length; i++) {
      if (i >= existing) await this.addButton.click();
      await this.name(i + 1).fill(pairs[i]![0]);
      await this.value(i + 1).fill(pairs[i]![1]);
    }
  }
}

/** /things/new */
export class NewThingPage {
  readonly heading: Locator;
  readonly name: Locator;
  readonly nameError: Locator;
  readonly type: Locator;
  readonly group: Locator;
  readonly attributes: AttributeRows;
  readonly submit: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Create thing' });
    this.name = page.getByLabel('Thing name');
    this.nameError = page.locator('#name-error');
    this.type = page.getByLabel('Thing type (optional)');
    this.group = page.getByLabel('Thing group (optional)');
    this.attributes = new AttributeRows(page, page.getByRole('main'));
    this.submit = page.getByRole('button', { name: 'Create thing' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/things/new');
  }
}

/** /things/[name] */
export class ThingDetailPage {
  readonly attributesForm: Locator;
  readonly attributes: AttributeRows;
  readonly saveAttributes: Locator;
  readonly certificates: Locator;
  readonly deleteLink: Locator;

  constructor(
    readonly page: Page,
    readonly thingName: string,
  ) {
    this.attributesForm = page.getByRole('form', { name: 'Attributes' });
    this.attributes = new AttributeRows(page, this.attributesForm);
    this.saveAttributes = page.getByRole('button', { name: 'Save attributes' });
    this.certificates = page.getByRole('table', { name: 'Attached certificates' });
    this.deleteLink = page.getByRole('link', { name: 'Delete…' });
  }

  get heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: this.thingName, exact: true });
  }

  async goto(): Promise<void> {
    await this.page.goto(`/things/${encodeURIComponent(this.thingName)}`);
  }
}

/** /things/[name]/delete: the planned clean-up, the confirmation, and the report. */
export class DeleteThingPage {
  readonly plannedSteps: Locator;
  readonly doneSteps: Locator;
  readonly confirm: Locator;
  readonly confirmError: Locator;
  readonly submit: Locator;
  readonly retry: Locator;
  readonly leftOver: Locator;

  constructor(
    readonly page: Page,
    readonly thingName: string,
  ) {
    this.plannedSteps = page.getByRole('list', { name: 'Planned steps' });
    this.doneSteps = page.getByRole('list', { name: 'What was done' });
    this.confirm = page.getByLabel(`Type ${thingName} to confirm`);
    this.confirmError = page.locator('#confirm-error');
    this.submit = page.getByRole('button', { name: 'Delete thing' });
    this.retry = page.getByRole('button', { name: 'Retry' });
    this.leftOver = page.getByRole('region', { name: 'What is left' });
  }

  async goto(): Promise<void> {
    await this.page.goto(`/things/${encodeURIComponent(this.thingName)}/delete`);
  }

  /** The step item whose text contains `text`, in either list. */
  step(text: string | RegExp): Locator {
    return this.page.getByRole('listitem').filter({ hasText: text });
  }
}
