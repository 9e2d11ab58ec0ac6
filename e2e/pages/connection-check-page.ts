import type { Locator, Page } from '@playwright/test';

/** A thing's connection check as a person reads it: steps with a status, what was found and how to fix it. */
export class ConnectionCheckPage {
  readonly heading: Locator;
  readonly live: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.live = page.getByRole('region', { name: 'Live: waiting for the device' });
  }

  async goto(thingName: string) {
    await this.page.goto(`/things/${encodeURIComponent(thingName)}/check`);
  }

  /** A step by its title, anywhere on the page (its accessible name is "<title>: <status>"). */
  step(title: string, within?: Locator): Locator {
    const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return (within ?? this.page).getByRole('listitem', { name: new RegExp(`^${escaped}: `) });
  }

  /** A step of a given status: "Pass", "Fail", "Warning" or "Waiting". */
  stepWithStatus(title: string, status: 'Pass' | 'Fail' | 'Warning' | 'Waiting', within?: Locator): Locator {
    return (within ?? this.page).getByRole('listitem', { name: `${title}: ${status}`, exact: true });
  }

  /** Every step shown with this status. */
  stepsWithStatus(status: 'Pass' | 'Fail' | 'Warning' | 'Waiting'): Locator {
    return this.page.getByRole('listitem', { name: new RegExp(`: ${status}$`) });
  }

  liveStep(title: string, status: 'Pass' | 'Fail' | 'Waiting'): Locator {
    return this.stepWithStatus(title, status, this.live);
  }
}
