/**
 * What global setup starts and global teardown stops. Both run in the Playwright runner
 * process, so the live handles travel on globalThis (no pid files, nothing to guess);
 * the URLs travel to the test workers as environment variables, which workers inherit.
 */
import type { Emulator } from '../emulator/index';
import type { NextServer } from '../scripts/next-app';

export const E2E_ENV = {
  baseUrl: 'E2E_BASE_URL',
  emulatorUrl: 'E2E_EMULATOR_URL',
  /** The emulator's admin token (its `<dataDir>/admin-token`), for specs that call /_emulator/ routes. */
  emulatorAdminToken: 'E2E_EMULATOR_ADMIN_TOKEN',
  region: 'E2E_AWS_REGION',
  password: 'E2E_DASHBOARD_PASSWORD',
  sessionSecret: 'E2E_SESSION_SECRET',
} as const;

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
