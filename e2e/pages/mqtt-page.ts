import { readFile } from 'node:fs/promises';

import { expect, type Locator, type Page } from '@playwright/test';

/** The MQTT test client as a person uses it: subscribe, publish, watch, pause, search, export. */
export class MqttPage {
  readonly heading: Locator;
  readonly connection: Locator;
  readonly filter: Locator;
  readonly subscribeButton: Locator;
  readonly filterError: Locator;
  readonly thingName: Locator;
  readonly subscriptions: Locator;
  readonly publishTopic: Locator;
  readonly publishPayload: Locator;
  readonly publishButton: Locator;
  readonly payloadError: Locator;
  readonly messages: Locator;
  readonly rows: Locator;
  readonly search: Locator;
  readonly pause: Locator;
  readonly resume: Locator;
  readonly clear: Locator;
  readonly dropped: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'MQTT test client' });
    this.connection = page.getByRole('status', { name: 'MQTT connection' });
    this.filter = page.getByLabel('Topic filter');
    this.subscribeButton = page.getByRole('button', { name: 'Subscribe', exact: true });
    this.filterError = page.locator('#mqtt-filter-error');
    this.thingName = page.getByLabel('Thing name (for its bundle, shadow and sensors topics)');
    this.subscriptions = page.getByRole('list', { name: 'Active subscriptions' });
    this.publishTopic = page.getByLabel('Topic', { exact: true });
    this.publishPayload = page.getByLabel('Payload', { exact: true });
    this.publishButton = page.getByRole('button', { name: 'Publish', exact: true });
    this.payloadError = page.locator('#mqtt-publish-payload-error');
    this.messages = page.getByRole('list', { name: 'Messages' });
    this.rows = this.messages.getByRole('listitem');
    this.search = page.getByLabel('Search messages');
    this.pause = page.getByRole('button', { name: 'Pause', exact: true });
    this.resume = page.getByRole('button', { name: 'Resume', exact: true });
    this.clear = page.getByRole('button', { name: 'Clear', exact: true });
    this.dropped = page.getByRole('status', { name: 'Dropped by the server' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/mqtt');
    await expect(this.connection).toContainText('Connected', { timeout: 15_000 });
  }

  /** The broker client id of this tab's session (`dashboard-…`). */
  async clientId(): Promise<string> {
    const text = (await this.connection.textContent()) ?? '';
    const id = /dashboard-[0-9a-f]+/.exec(text)?.[0];
    if (!id) throw new Error(`no client id in "${text}"`);
    return id;
  }

  async subscribe(filter: string, qos: 0 | 1 = 0): Promise<void> {
    await this.filter.fill(filter);
    await this.page.getByLabel('Subscription QoS').selectOption(String(qos));
    await this.subscribeButton.click();
    await expect(this.subscription(filter)).toBeVisible();
  }

  subscription(filter: string): Locator {
    return this.subscriptions.getByRole('listitem', { name: `Subscription ${filter}`, exact: true });
  }

  /** Message rows whose topic is exactly `topic`. */
  rowsFor(topic: string): Locator {
    return this.rows.filter({ has: this.page.locator(`[data-topic="${topic.replace(/"/g, '\\"')}"]`) });
  }

  async publish(topic: string, payload: string): Promise<void> {
    await this.publishTopic.fill(topic);
    await this.publishPayload.fill(payload);
    await this.publishButton.click();
  }

  /** Clicks an export button and returns the downloaded file's name and text. */
  async export(kind: 'JSON' | 'CSV'): Promise<{ name: string; text: string }> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByRole('button', { name: `Export ${kind}` }).click(),
    ]);
    const file = await download.path();
    return { name: download.suggestedFilename(), text: await readFile(file, 'utf8') };
  }
}
