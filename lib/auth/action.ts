import 'server-only';

import type { z } from 'zod';

import { failed, type ActionState } from '@/lib/forms/action-state';
import { ARGUMENTS_REFUSED, isFormActionCall } from '@/lib/forms/action-input';

import { actionOperator, type Operator, RoleDeniedError } from './guard';
import type { Role } from './roles';

/**
 * Server actions that state the role they need, checked before anything else (a page's check does not protect
 * the actions on it: an action is a public POST endpoint), and then the shape of their arguments (anyone with a
 * session can post any arguments, not only what the page sends). The body gets the operator (for the audit
 * trail) and the action's own arguments:
 *
 *   export const deleteThingAction = roleAction('admin', async (operator, _prev: ActionState, formData: FormData) => {
 *     ...
 *   });
 *
 * No session: the browser goes to sign-in (and comes back). Too small a role, here or in a stricter check
 * inside the body (`await requireRole('admin')` for a revocation): the action answers its refusal,
 * `failed('Your role (viewer) cannot do this: it needs operator.')` for form actions, or what `refused` makes
 * of that sentence (and the action's arguments) for actions with another answer shape. The refusal is an audit
 * event (lib/auth/guard.ts). Arguments of another shape: the same refusal with ARGUMENTS_REFUSED, never a 500.
 */
export function roleCall<A extends unknown[], R>(
  role: Role,
  refused: (message: string, args: readonly unknown[]) => NoInfer<R>,
  /**
   * The arguments' shape (a zod tuple), checked after the role and before the body: types and presence only.
   * The body still checks the values with its own messages; it gets the arguments as they came.
   */
  accepts: z.ZodType<unknown[]>,
  body: (operator: Operator, ...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return guarded(role, refused, (args) => accepts.safeParse(args).success, body);
}

/**
 * A form action (useActionState): called with the previous state and the form, and nothing else. A refusal
 * (role or arguments) is `failed(<sentence>)`.
 */
export function roleAction<A extends unknown[], D = undefined>(
  role: Role,
  body: (operator: Operator, ...args: A) => Promise<ActionState<D>>,
): (...args: A) => Promise<ActionState<D>> {
  return guarded(role, (message) => failed<D>(message), isFormActionCall, body);
}

function guarded<A extends unknown[], R>(
  role: Role,
  refused: (message: string, args: readonly unknown[]) => R,
  shapeIsRight: (args: readonly unknown[]) => boolean,
  body: (operator: Operator, ...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    try {
      const operator = await actionOperator(role);
      if (!shapeIsRight(args)) return refused(ARGUMENTS_REFUSED, args);
      return await body(operator, ...args);
    } catch (err) {
      if (err instanceof RoleDeniedError) return refused(err.message, args);
      throw err;
    }
  };
}

/** The refusal of actions that answer `{ ok: false, message }`. */
export const refusedMessage = (message: string) => ({ ok: false as const, message });
