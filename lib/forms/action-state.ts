import { z } from 'zod';

/**
 * The one shape every server action returns (Next.js `useActionState`): a status, errors per field for
 * the form to show beside each input, a message for the form as a whole, and the submitted values so a
 * refused form keeps what the operator typed.
 */
export type ActionStatus = 'idle' | 'success' | 'invalid' | 'failed';

export interface ActionState<Data = undefined> {
  status: ActionStatus;
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  values?: Record<string, string>;
  data?: Data;
}

export const idle = <D = undefined>(): ActionState<D> => ({ status: 'idle' });

export function invalid<D = undefined>(
  error: z.ZodError,
  values?: Record<string, string>,
  message?: string,
): ActionState<D> {
  const flat = z.flattenError(error);
  return {
    status: 'invalid',
    message: message ?? flat.formErrors[0] ?? 'Some fields need attention.',
    fieldErrors: flat.fieldErrors as Record<string, string[] | undefined>,
    values,
  };
}

/**
 * An "invalid" state whose field errors are keyed by the issue's full path (`attributes.1.name`), for forms
 * with repeated rows where each message belongs beside one input; `invalid` keys by the first segment only.
 */
export function invalidByPath<D = undefined>(
  error: z.ZodError,
  values?: Record<string, string>,
  message?: string,
): ActionState<D> {
  const fieldErrors: Record<string, string[]> = {};
  const formErrors: string[] = [];
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.');
    if (!key) formErrors.push(issue.message);
    else (fieldErrors[key] ??= []).push(issue.message);
  }
  return {
    status: 'invalid',
    message: message ?? formErrors[0] ?? 'Some fields need attention: see the messages beside them.',
    fieldErrors,
    values,
  };
}

export const failed = <D = undefined>(message: string, values?: Record<string, string>): ActionState<D> => ({
  status: 'failed',
  message,
  values,
});

export const succeeded = <D = undefined>(message: string, data?: D): ActionState<D> => ({
  status: 'success',
  message,
  data,
});

/** The string fields of a form, for echoing back into a refused form (files are left out). */
export function formValues(formData: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of formData.entries()) if (typeof v === 'string' && !k.startsWith('$ACTION')) out[k] = v;
  return out;
}
