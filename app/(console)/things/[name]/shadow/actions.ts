'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { audited } from '@/lib/audit/record';
import { roleAction } from '@/lib/auth/action';
import { AppError, toAppError } from '@/lib/aws/errors';
import { createShadow, deleteShadow, getShadow, ShadowConflictError, updateDesired } from '@/lib/aws/shadows';
import type { ActionState } from '@/lib/forms/action-state';
import { failed, formValues, invalid, succeeded } from '@/lib/forms/action-state';
import { checkDesiredText, desiredPatch, MAX_STATE_BYTES, shadowName } from '@/lib/shadows/desired';
import { jsonByteLength } from '@/lib/shadows/json';
import { thingName } from '@/lib/validation/iot-names';

/** What the desired-state form needs back: the new version, or which version the shadow is at now. */
export interface SaveDesiredData {
  version?: number;
  conflict?: { loaded: number; current?: number };
}

const shadowPath = (thing: string, shadow?: string) =>
  `/things/${encodeURIComponent(thing)}/shadow${shadow ? `?shadow=${encodeURIComponent(shadow)}` : ''}`;

const optionalShadowName = z.union([z.literal(''), shadowName]);

const saveForm = z.object({
  thingName,
  shadowName: optionalShadowName,
  version: z.coerce.number().int('The version must be a whole number.').min(0, 'The version cannot be negative.'),
  desired: z.string(),
});

const desiredInvalid = <D>(message: string, values: Record<string, string>): ActionState<D> => ({
  status: 'invalid',
  message: 'The desired state was not sent: see the message under the editor.',
  fieldErrors: { desired: [message] },
  values,
});

/**
 * Saves the edited desired state. The form carries the version it was loaded at; the update is sent with it,
 * so a change made meanwhile (a device, another operator) is refused with both versions named instead of
 * being silently overwritten. Only the difference is sent (removed fields as null), as a merge.
 */
export const saveDesiredAction = roleAction(
  'operator',
  async (operator, _prev: ActionState<SaveDesiredData>, formData: FormData): Promise<ActionState<SaveDesiredData>> => {
    const values = formValues(formData);
    const parsed = saveForm.safeParse(values);
    if (!parsed.success) return invalid(parsed.error, values);
    const { thingName: thing, version } = parsed.data;
    const shadow = parsed.data.shadowName || undefined;
    const checked = checkDesiredText(parsed.data.desired);
    if (!checked.ok) return desiredInvalid(checked.message, values);

    let saved: number;
    try {
      const current = await getShadow({ thingName: thing, shadowName: shadow });
      if (!current.exists) {
        return failed(
          'This shadow was deleted since you loaded it. Reload the page; you can create it again from there.',
          values,
        );
      }
      if (current.shadow.version !== version) {
        const conflict = new ShadowConflictError(version, current.shadow.version);
        return {
          status: 'failed',
          message: conflict.message,
          values,
          data: { conflict: { loaded: version, current: current.shadow.version } },
        };
      }
      const reported = current.shadow.state.reported;
      const bytes = jsonByteLength(checked.desired) + (reported ? jsonByteLength(reported) : 0);
      if (bytes > MAX_STATE_BYTES) {
        return desiredInvalid(
          `Desired and reported together would be ${bytes} bytes; AWS IoT allows ${MAX_STATE_BYTES} bytes (8 KB) per shadow.`,
          values,
        );
      }
      const patch = desiredPatch(current.shadow.state.desired, checked.desired);
      if (patch === undefined) return succeeded('Nothing changed: the desired state is already this.', { version });
      saved = (
        await audited(
          operator,
          {
            action: 'shadow.update',
            resource: { type: 'thing', id: thing },
            details: { shadow: shadow ?? 'classic', expectedVersion: version },
          },
          () => updateDesired({ thingName: thing, shadowName: shadow, desired: patch, expectedVersion: version }),
        )
      ).version;
    } catch (err) {
      if (err instanceof ShadowConflictError) {
        return {
          status: 'failed',
          message: err.message,
          values,
          data: {
            conflict: {
              loaded: err.expectedVersion,
              ...(err.currentVersion !== undefined ? { current: err.currentVersion } : {}),
            },
          },
        };
      }
      return failed(toAppError(err).message, values);
    }
    revalidatePath(`/things/${encodeURIComponent(thing)}/shadow`);
    return succeeded(`Desired state saved (version ${saved}).`, { version: saved });
  },
);

const createForm = z.object({
  thingName,
  shadowName: optionalShadowName,
  desired: z.string(),
});

/** Creates a shadow (a named one, or the classic one from its empty state) with an initial desired state. */
export const createShadowAction = roleAction(
  'operator',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    // The named-shadow form and the empty state's form name their editor differently (both can be on the page).
    const parsed = createForm.safeParse({ ...values, desired: values.initialDesired ?? values.createDesired ?? '' });
    if (!parsed.success) return invalid(parsed.error, values);
    const { thingName: thing } = parsed.data;
    const shadow = parsed.data.shadowName || undefined;
    const checked = checkDesiredText(parsed.data.desired);
    if (!checked.ok) return desiredInvalid(checked.message, values);

    try {
      await audited(
        operator,
        { action: 'shadow.create', resource: { type: 'thing', id: thing }, details: { shadow: shadow ?? 'classic' } },
        () => createShadow({ thingName: thing, shadowName: shadow, desired: checked.desired }),
      );
    } catch (err) {
      const error = toAppError(err);
      if (error.code === 'already_exists') {
        return shadow
          ? {
              status: 'invalid',
              message: 'Some fields need attention.',
              fieldErrors: { shadowName: [`This thing already has a shadow named "${shadow}".`] },
              values,
            }
          : failed('A device created this shadow meanwhile. Reload the page to see it.', values);
      }
      return failed(error.message, values);
    }
    revalidatePath(`/things/${encodeURIComponent(thing)}/shadow`);
    const target = shadowPath(thing, shadow);
    redirect(`${target}${target.includes('?') ? '&' : '?'}created=1`);
  },
);

const deleteForm = z.object({ thingName, shadowName: optionalShadowName });

/** Deletes a shadow (AWS keeps its version counter). A named shadow's page then returns to the classic one. */
export const deleteShadowAction = roleAction(
  'admin',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    const parsed = deleteForm.safeParse(values);
    if (!parsed.success) return invalid(parsed.error, values);
    const { thingName: thing } = parsed.data;
    const shadow = parsed.data.shadowName || undefined;
    try {
      await audited(
        operator,
        { action: 'shadow.delete', resource: { type: 'thing', id: thing }, details: { shadow: shadow ?? 'classic' } },
        () => deleteShadow({ thingName: thing, shadowName: shadow }),
      );
    } catch (err) {
      const error = toAppError(err);
      if (!(error instanceof AppError && error.code === 'not_found')) return failed(error.message, values);
      // Already gone: the outcome the operator asked for.
    }
    revalidatePath(`/things/${encodeURIComponent(thing)}/shadow`);
    const label = shadow ? `Shadow "${shadow}"` : 'The classic shadow';
    redirect(`${shadowPath(thing)}?deleted=${encodeURIComponent(label)}`);
  },
);
