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
