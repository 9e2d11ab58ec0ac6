import {
  CreateThingCommand,
  DeleteThingCommand,
  DetachThingPrincipalCommand,
  IoTClient,
  ListThingPrincipalsCommand,
  ListThingsCommand,
} from '@aws-sdk/client-iot';
import { test as base, type Page } from '@playwright/test';

import { adminAuthorization } from '../lib/local/emulator-admin';
import { ThingsPage } from './pages/things-page';
import { E2E_ENV, type E2eRole, requireEnv } from './stack';
import { addSession, sessionOf } from './support/sessions';

/** The real SDK pointed at the same emulator the dashboard uses: how specs arrange state. */
export function emulatorClient(): IoTClient {
  return new IoTClient({
    region: requireEnv(E2E_ENV.region),
    endpoint: requireEnv(E2E_ENV.emulatorUrl),
    credentials: { accessKeyId: 'AKIAE2ETESTS00000000', secretAccessKey: 'e2e-throwaway-secret' },
  });
}

export async function createThings(iot: IoTClient, names: readonly string[], attributes?: Record<string, string>) {
  for (const thingName of names) {
    await iot.send(new CreateThingCommand({ thingName, attributePayload: attributes ? { attributes } : undefined }));
  }
}

/** Empty the registry; other specs' devices may still hold certificates, so detach those first (AWS's order). */
export async function deleteAllThings(iot: IoTClient): Promise<void> {
  let nextToken: string | undefined;
  const names: string[] = [];
  do {
    const page = await iot.send(new ListThingsCommand({ nextToken, maxResults: 250 }));
    names.push(...(page.things ?? []).flatMap((t) => (t.thingName ? [t.thingName] : [])));
    nextToken = page.nextToken;
  } while (nextToken);
  for (const thingName of names) {
    const { principals = [] } = await iot.send(new ListThingPrincipalsCommand({ thingName }));
    for (const principal of principals) await iot.send(new DetachThingPrincipalCommand({ thingName, principal }));
    await iot.send(new DeleteThingCommand({ thingName }));
  }
}

interface Fixtures {
  iot: IoTClient;
  thingsPage: ThingsPage;
}

interface Options {
  signedIn: boolean;
  /** Whose session a signed-in test starts with: the admin (default), the operator or the viewer. */
  role: E2eRole;
  /**
   * Console errors, uncaught page errors and 404 / 5xx answers from the dashboard that this test causes on
   * purpose (a missing thing's page, a refused request). Anything else fails the test: a page must not log
   * errors or ask for files that do not exist. Playwright reads an option's array as `[value, options]`, so a list
   * of patterns is written `test.use({ expectedPageErrors: [[/a/, /b/], { scope: 'test' }] })` (or one regex
   * with alternatives: `[/a|b/]`).
   */
  expectedPageErrors: readonly RegExp[];
}

/**
 * Every spec starts signed in as a real user (global setup made one per role; the sign-in page has its own
 * spec): the admin unless `test.use({ role: 'operator' })` or `'viewer'`. `test.use({ signedIn: false })`
 * starts signed out.
 */
export const test = base.extend<Fixtures & Options>({
  signedIn: [true, { option: true }],
  role: ['admin', { option: true }],
  expectedPageErrors: [[], { option: true }],
  // The dashboard's port is chosen at run time by global setup, after the config was read.
  // biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring pattern for fixture arguments.
  baseURL: async ({}, use) => {
    await use(requireEnv(E2E_ENV.baseUrl));
  },
  context: async ({ context, signedIn, role }, use) => {
    if (signedIn) await addSession(context, await sessionOf(role));
    await use(context);
  },
  // Every navigation waits for React to hydrate the page: typing earlier can be lost to hydration.
  page: async ({ page, expectedPageErrors }, use) => {
    const goto = page.goto.bind(page);
    page.goto = async (url, options) => {
      const response = await goto(url, options);
      await page.waitForSelector('html[data-hydrated]', { state: 'attached', timeout: 15_000 }).catch(() => undefined);
      return response;
    };
    const problems = watchPageProblems(page, requireEnv(E2E_ENV.baseUrl));
    await use(page);
    const unexpected = problems.filter((p) => !expectedPageErrors.some((re) => re.test(p)));
    if (unexpected.length) {
      throw new Error(`The page logged errors or hit missing files:\n${unexpected.map((p) => `  - ${p}`).join('\n')}`);
    }
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring pattern for fixture arguments.
  iot: async ({}, use) => {
    const client = emulatorClient();
    await use(client);
    client.destroy();
  },
  thingsPage: async ({ page }, use) => {
    await use(new ThingsPage(page));
  },
});

export { expect } from '@playwright/test';

/** Console errors, uncaught exceptions and the dashboard's own 404 / 5xx answers, as they happen. */
function watchPageProblems(page: Page, baseUrl: string): string[] {
  const origin = new URL(baseUrl).origin;
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('response', (response) => {
    const status = response.status();
    if ((status === 404 || status >= 500) && response.url().startsWith(origin)) {
      problems.push(`HTTP ${status}: ${response.request().method()} ${response.url().slice(origin.length)}`);
    }
  });
  return problems;
}

/**
 * Calls one of the emulator's admin routes (/_emulator/<route>) with its admin token; a JSON `body` is sent as
 * JSON. Throws unless the answer is 2xx, so a refused call never passes for a done one.
 */
export async function emulatorAdmin(route: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const res = await fetch(`${requireEnv(E2E_ENV.emulatorUrl)}/_emulator/${route}`, {
    method: init.method ?? 'GET',
    headers: {
      ...adminAuthorization(requireEnv(E2E_ENV.emulatorAdminToken)),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} /_emulator/${route} failed: ${res.status} ${await res.text()}`);
  return res;
}

/** Fault injection on the emulator's admin API (/_emulator/faults): the next matching calls fail. */
export async function injectFault(rule: { operation: string; error: string; count?: number; message?: string }) {
  await emulatorAdmin('faults', { method: 'POST', body: rule });
}

export async function clearFaults(): Promise<void> {
  await emulatorAdmin('faults', { method: 'DELETE' });
}
