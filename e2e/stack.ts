/**
 * What global setup starts and global teardown stops. Both run in the Playwright runner
 * process, so the live handles travel on globalThis (no pid files, nothing to guess);
 * the URLs travel to the test workers as environment variables, which workers inherit.
 */
import type { Emulator } from '../emulator/index';
import type { NextServer } from '../scripts/next-app';

/** How long a trusted-user claim lives in the e2e emulator (AWS: 300 s): long enough to use, short enough to expire. */
export const E2E_CLAIM_SECONDS = 25;

export const E2E_ENV = {
  baseUrl: 'E2E_BASE_URL',
  emulatorUrl: 'E2E_EMULATOR_URL',
  /** The emulator's admin token (its `<dataDir>/admin-token`), for specs that call /_emulator/ routes. */
  emulatorAdminToken: 'E2E_EMULATOR_ADMIN_TOKEN',
  region: 'E2E_AWS_REGION',
  /** The first admin's password (DASHBOARD_ADMIN_PASSWORD of the dashboard global setup started). */
  password: 'E2E_DASHBOARD_PASSWORD',
  /** The passwords of the operator and viewer users global setup created. */
  operatorPassword: 'E2E_OPERATOR_PASSWORD',
  viewerPassword: 'E2E_VIEWER_PASSWORD',
  /** BETTER_AUTH_SECRET of that dashboard (a spec's own server may share it). */
  authSecret: 'E2E_AUTH_SECRET',
} as const;

/** The people global setup signs up: one per role, each with its own password. */
export const E2E_USERS = {
  admin: { username: 'admin', passwordEnv: E2E_ENV.password },
  operator: { username: 'operator', passwordEnv: E2E_ENV.operatorPassword },
  viewer: { username: 'viewer', passwordEnv: E2E_ENV.viewerPassword },
} as const;

export type E2eRole = keyof typeof E2E_USERS;

export interface E2eStack {
  emulator?: Emulator;
  next?: NextServer;
  dataDir?: string;
}

const KEY = Symbol.for('iot-dashboard.e2e-stack');

type WithStack = typeof globalThis & { [KEY]?: E2eStack };

export function setStack(stack: E2eStack): void {
  (globalThis as WithStack)[KEY] = stack;
}

export function takeStack(): E2eStack | undefined {
  const holder = globalThis as WithStack;
  const stack = holder[KEY];
  delete holder[KEY];
  return stack;
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the specs through \`npx playwright test\` so global setup runs.`);
  return value;
}
