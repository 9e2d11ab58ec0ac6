import 'server-only';

import { failed, type ActionState } from '@/lib/forms/action-state';

import { actionOperator, type Operator, RoleDeniedError } from './guard';
import type { Role } from './roles';

/**
 * Server actions that state the role they need, checked before anything else (a page's check does not protect
 * the actions on it: an action is a public POST endpoint). The body gets the operator (for the audit trail)
 * and the action's own arguments:
 *
 *   export const deleteThingAction = roleAction('admin', async (operator, _prev: ActionState, formData: FormData) => {
 *     ...
 *   });
 *
 * No session: the browser goes to sign-in (and comes back). Too small a role, here or in a stricter check
 * inside the body (`await requireRole('admin')` for a revocation): the action answers its refusal,
 * `failed('Your role (viewer) cannot do this: it needs operator.')` for form actions, or what `refused` makes
 * of that sentence (and the action's arguments) for actions with another answer shape. The refusal is an audit event (lib/auth/guard.ts).
 */
export function roleCall<A extends unknown[], R>(
  role: Role,
  refused: (message: string, args: readonly unknown[]) => NoInfer<R>,
  body: (operator: Operator, ...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    try {
      const operator = await actionOperator(role);
      return await body(operator, ...args);
    } catch (err) {
      if (err instanceof RoleDeniedError) return refused(err.message, args);
      throw err;
    }
  };
}

/** A form action (useActionState): a refusal is `failed(<sentence>)`. */
export function roleAction<A extends unknown[], D = undefined>(
  role: Role,
  body: (operator: Operator, ...args: A) => Promise<ActionState<D>>,
): (...args: A) => Promise<ActionState<D>> {
  return roleCall(role, (message) => failed<D>(message), body);
}

/** The refusal of actions that answer `{ ok: false, message }`. */
export const refusedMessage = (message: string) => ({ ok: false as const, message });
