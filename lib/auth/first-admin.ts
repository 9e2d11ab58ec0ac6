import type { UsersRepository } from '../db/users';
import type { Auth } from './better-auth';
import { MIN_PASSWORD_LENGTH } from './better-auth';
import { ensureFirstAdmin } from './local-accounts';

/**
 * The console's first account, made at server start when the database has no user at all:
 *   DASHBOARD_ADMIN_USER       its user name (default `admin`); DASHBOARD_ADMIN_EMAIL its e-mail
 *   DASHBOARD_ADMIN_PASSWORD   its password (12+ characters)
 * Without a password, in local mode (IOT_MODE=local, the default) one is generated and printed once, now:
 * only its hash is kept, so it is shown nowhere else and never again. Against a real AWS account
 * (IOT_MODE=aws) the dashboard makes no account nobody chose a password for: it says what to set.
 * Once any user exists nothing here runs (the variables are not a way to reset a password: the Users page is).
 */
type Env = Readonly<Record<string, string | undefined>>;

export type FirstAdminOutcome =
  | { kind: 'exists' }
  | { kind: 'created'; username: string; generatedPassword?: string }
  | { kind: 'needs-password'; message: string };

export async function prepareFirstAdmin(auth: Auth, users: UsersRepository, env: Env): Promise<FirstAdminOutcome> {
  if ((await users.count()) > 0) return { kind: 'exists' };
  const password = env.DASHBOARD_ADMIN_PASSWORD || undefined;
  const local = (env.IOT_MODE ?? 'local').trim().toLowerCase() !== 'aws';
  if (!password && !local) {
    return {
      kind: 'needs-password',
      message:
        'No user exists yet. Set DASHBOARD_ADMIN_PASSWORD (12+ characters) and restart to create the first admin: IOT_MODE=aws makes no account with a password nobody chose.',
    };
  }
  if (password && password.length < MIN_PASSWORD_LENGTH) {
    return {
      kind: 'needs-password',
      message: `DASHBOARD_ADMIN_PASSWORD is too short: the first admin's password needs ${MIN_PASSWORD_LENGTH} or more characters.`,
    };
  }
  const made = await ensureFirstAdmin(auth, users, {
    username: env.DASHBOARD_ADMIN_USER,
    email: env.DASHBOARD_ADMIN_EMAIL,
    password,
  });
  if (!made.created) return { kind: 'exists' };
  return made.generated
    ? { kind: 'created', username: made.username, generatedPassword: made.password }
    : { kind: 'created', username: made.username };
}

/** What the server prints about it: the generated password appears here and nowhere else. */
export function firstAdminMessage(outcome: FirstAdminOutcome, signInUrl: string): string | undefined {
  if (outcome.kind === 'needs-password') return outcome.message;
  if (outcome.kind !== 'created') return undefined;
  if (!outcome.generatedPassword) {
    return `First admin "${outcome.username}" created with DASHBOARD_ADMIN_PASSWORD. Sign in at ${signInUrl}`;
  }
  return [
    `First admin created. Sign in at ${signInUrl}`,
    `  user name: ${outcome.username}`,
    `  password:  ${outcome.generatedPassword}`,
    'This password is shown once and kept nowhere (only its hash is stored): sign in and set your own on the Users page.',
  ].join('\n');
}
