'use server';

import { isAPIError } from 'better-auth/api';
import { headers } from 'next/headers';
import { revalidatePath } from 'next/cache';

import { recordAudit } from '@/lib/audit/record';
import { roleAction } from '@/lib/auth/action';
import type { Operator } from '@/lib/auth/guard';
import { createLocalUser, setUserPassword } from '@/lib/auth/local-accounts';
import type { Role } from '@/lib/auth/roles';
import { LastAdminError, UserNotFoundError, usersRepository } from '@/lib/db/users';
import { failed, formValues, invalid, succeeded, type ActionState } from '@/lib/forms/action-state';
import { authForRequest, dashboardDatabase } from '@/lib/server/services';
import {
  createUserForm,
  endSessionForm,
  resetPasswordForm,
  setDisabledForm,
  setRoleForm,
  userIdForm,
} from '@/lib/users/forms';

/**
 * The Users page (admins only): create a local account, change a role, disable or enable, set a password, end
 * sessions. Each is an audit event naming the user (never a password). The last enabled admin can be neither
 * demoted nor disabled (lib/db/users.ts refuses it inside the change's transaction). Disabling a user, setting
 * their password and ending sessions take effect at once: every request reads the session row.
 */

const users = async () => usersRepository((await dashboardDatabase()).db);
const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;

function refresh(userId?: string) {
  revalidatePath('/users');
  if (userId) revalidatePath(userPath(userId));
}

/** A refusal the repository explains (the last admin, a user gone) in its own words; anything else is thrown. */
function refusal(err: unknown): string {
  if (err instanceof LastAdminError || err instanceof UserNotFoundError) return err.message;
  throw err;
}

async function record(
  operator: Operator,
  action: string,
  userId: string,
  outcome: 'success' | 'failure',
  details?: Record<string, unknown>,
) {
  await recordAudit(operator, {
    action,
    resource: { type: 'user', id: userId },
    outcome,
    ...(details ? { details } : {}),
  });
}

export const createUserAction = roleAction('admin', async (operator, _prev: ActionState, formData: FormData) => {
  const values = formValues(formData);
  delete values.password;
  const parsed = createUserForm.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return invalid(parsed.error, values, 'Fix the fields marked below; no account was made.');
  const input = { ...parsed.data, role: parsed.data.role as Role };
  const h = await headers();
  let id: string;
  try {
    ({ id } = await createLocalUser(await authForRequest(h), input, h));
  } catch (err) {
    if (!isAPIError(err)) throw err;
    const message = String((err.body as { message?: unknown } | undefined)?.message ?? err.message);
    const field = /user ?name/i.test(message)
      ? 'username'
      : /e-?mail|user already exists/i.test(message)
        ? 'email'
        : undefined;
    await recordAudit(operator, {
      action: 'user.create',
      resource: { type: 'user', id: input.username },
      outcome: 'failure',
      details: { error: message },
    });
    const sentence =
      field === 'username'
        ? 'That user name is taken.'
        : field === 'email'
          ? 'An account with that e-mail exists.'
          : message;
    return { ...failed(sentence, values), ...(field ? { fieldErrors: { [field]: [sentence] } } : {}) };
  }
  await recordAudit(operator, {
    action: 'user.create',
    resource: { type: 'user', id },
    related: [input.username, input.email],
    outcome: 'success',
    details: { username: input.username, role: input.role },
  });
  refresh();
  return succeeded(`${input.username} can sign in now, as ${input.role}. Give them their password by a safe way.`);
});

export const setRoleAction = roleAction('admin', async (operator, _prev: ActionState, formData: FormData) => {
  const parsed = setRoleForm.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return invalid(parsed.error, formValues(formData));
  const { userId } = parsed.data;
  const role = parsed.data.role as Role;
  const repo = await users();
  const before = await repo.byId(userId);
  try {
    await repo.setRole(userId, role);
  } catch (err) {
    const message = refusal(err);
    await record(operator, 'user.set-role', userId, 'failure', { role, error: message });
    return failed(message);
  }
  await record(operator, 'user.set-role', userId, 'success', { from: before?.role, to: role });
  refresh(userId);
  return succeeded(`Role set to ${role}. It counts from their next click.`);
});

export const setDisabledAction = roleAction('admin', async (operator, _prev: ActionState, formData: FormData) => {
  const parsed = setDisabledForm.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return invalid(parsed.error, formValues(formData));
  const { userId } = parsed.data;
  const disabled = parsed.data.disabled === 'true';
  const action = disabled ? 'user.disable' : 'user.enable';
  let ended = 0;
  try {
    ended = (await (await users()).setDisabled(userId, disabled, disabled ? `by ${operator.name}` : undefined))
      .sessionsEnded;
  } catch (err) {
    const message = refusal(err);
    await record(operator, action, userId, 'failure', { error: message });
    return failed(message);
  }
  await record(operator, action, userId, 'success', disabled ? { sessionsEnded: ended } : undefined);
  refresh(userId);
  return succeeded(
    disabled
      ? `Disabled: they cannot sign in, and ${ended} session${ended === 1 ? '' : 's'} ended.`
      : 'Enabled: they can sign in again.',
  );
});

export const resetPasswordAction = roleAction('admin', async (operator, _prev: ActionState, formData: FormData) => {
  const parsed = resetPasswordForm.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return invalid(parsed.error, { userId: String(formData.get('userId') ?? '') });
  const { userId, password } = parsed.data;
  if (!(await (await users()).byId(userId))) return failed(new UserNotFoundError().message);
  const h = await headers();
  try {
    await setUserPassword(await authForRequest(h), { userId, password, headers: h });
  } catch (err) {
    if (!isAPIError(err)) throw err;
    const message = String((err.body as { message?: unknown } | undefined)?.message ?? err.message);
    await record(operator, 'user.set-password', userId, 'failure', { error: message });
    return failed(message);
  }
  await record(operator, 'user.set-password', userId, 'success', { sessionsEnded: 'all' });
  refresh(userId);
  return succeeded('Password set; every session of theirs has ended. Give them the new password by a safe way.');
});

export const endSessionAction = roleAction('admin', async (operator, _prev: ActionState, formData: FormData) => {
  const parsed = endSessionForm.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return invalid(parsed.error, formValues(formData));
  const { userId, sessionId } = parsed.data;
  const repo = await users();
  // Only a session of the user the form is about (a stale or edited form cannot end someone else's).
  if (!(await repo.sessions(userId)).some((s) => s.id === sessionId)) return failed('That session has already ended.');
  await repo.endSession(sessionId);
  await recordAudit(operator, {
    action: 'session.end',
    resource: { type: 'session', id: sessionId },
    related: [userId],
    outcome: 'success',
  });
  refresh(userId);
  return succeeded('Session ended: its cookie no longer works anywhere.');
});

export const endAllSessionsAction = roleAction('admin', async (operator, _prev: ActionState, formData: FormData) => {
  const parsed = userIdForm.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return invalid(parsed.error, formValues(formData));
  const { userId } = parsed.data;
  const ended = await (await users()).endSessions(userId);
  await recordAudit(operator, {
    action: 'session.end-all',
    resource: { type: 'user', id: userId },
    outcome: 'success',
    details: { sessionsEnded: ended },
  });
  refresh(userId);
  return succeeded(`${ended} session${ended === 1 ? '' : 's'} ended.`);
});
