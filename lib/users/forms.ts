import { z } from 'zod';

import { MIN_PASSWORD_LENGTH } from '@/lib/auth/better-auth';
import { ROLES } from '@/lib/auth/roles';

/** The Users page's forms, checked before better-auth or the database sees them. */

const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(256, 'At most 256 characters.');

export const roleField = z.enum(ROLES as [string, ...string[]], { message: 'Choose viewer, operator or admin.' });

export const createUserForm = z.object({
  name: z.string().trim().min(1, 'Give the person’s name.').max(120, 'At most 120 characters.'),
  username: z
    .string()
    .trim()
    .min(2, 'At least 2 characters.')
    .max(64, 'At most 64 characters.')
    .regex(/^[A-Za-z0-9_.]+$/, 'Letters, digits, underscores and dots only.'),
  email: z.email('An e-mail address, like ana@example.com.').max(320, 'At most 320 characters.'),
  role: roleField,
  password,
});

export const userIdForm = z.object({ userId: z.string().min(1, 'No user given.').max(64) });

export const setRoleForm = userIdForm.extend({ role: roleField });

export const setDisabledForm = userIdForm.extend({ disabled: z.enum(['true', 'false']) });

export const resetPasswordForm = userIdForm.extend({ password });

export const endSessionForm = userIdForm.extend({ sessionId: z.string().min(1, 'No session given.').max(64) });
