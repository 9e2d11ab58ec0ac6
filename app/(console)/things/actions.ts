'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';

import { audited } from '@/lib/audit/record';
import { roleAction } from '@/lib/auth/action';
import { toAppError } from '@/lib/aws/errors';
import { addThingToThingGroup } from '@/lib/aws/thing-groups';
import { describeThing, thingExists, updateThingAttributes } from '@/lib/aws/things';
import type { Thing } from '@/lib/aws/types';
import { failed, invalidByPath, succeeded, type ActionState } from '@/lib/forms/action-state';
import { attributeChanges, attributesRecord, readAttributeRows, rowValues } from '@/lib/things/attributes';
import { addToGroupForm, createThingForm, deleteThingForm, editAttributesForm } from '@/lib/things/forms';
import { createThingInGroup } from '@/lib/things/create';
import { deleteThingWithCleanup } from '@/lib/things/deletion';
import type { DeletionReport } from '@/lib/things/deletion-plan';
import { forgetThing, invalidateThingIndex, rememberThing } from '@/lib/things/thing-index';

const text = (formData: FormData, key: string): string => {
  const v = formData.get(key);
  return typeof v === 'string' ? v : '';
};

const thingPath = (name: string) => `/things/${encodeURIComponent(name)}`;

export const createThingAction = roleAction(
  'operator',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const rows = readAttributeRows(formData);
    const values = {
      name: text(formData, 'name').trim(),
      typeName: text(formData, 'typeName'),
      groupName: text(formData, 'groupName'),
      ...rowValues(rows),
    };
    const parsed = createThingForm.safeParse({ ...values, attributes: rows });
    if (!parsed.success) return invalidByPath(parsed.error, values);
    const input = parsed.data;

    const duplicate: ActionState = {
      status: 'invalid',
      message: 'Some fields need attention: see the messages beside them.',
      fieldErrors: {
        name: [`A thing named "${input.name}" already exists. Thing names are unique and cannot be changed.`],
      },
      values,
    };
    let created: Thing;
    try {
      // CreateThing answers success for an identical existing thing (it is idempotent), so ask first:
      // creating a thing that is already there is refused here, beside the name.
      if (await thingExists(input.name)) return duplicate;
      created = await audited(
        operator,
        {
          action: 'thing.create',
          resource: { type: 'thing', id: input.name },
          ...(input.groupName ? { related: [input.groupName] } : {}),
          details: { typeName: input.typeName, groupName: input.groupName },
        },
        () =>
          createThingInGroup({
            name: input.name,
            typeName: input.typeName,
            groupName: input.groupName,
            attributes: attributesRecord(input.attributes),
          }),
        { after: (thing) => ({ resource: { type: 'thing', id: thing.name, arn: thing.arn } }) },
      );
    } catch (err) {
      const error = toAppError(err);
      if (error.code === 'already_exists') return duplicate;
      return failed(error.message, values);
    }
    rememberThing(created);
    revalidatePath('/things');
    redirect(`${thingPath(created.name)}?created=1`);
  },
);

export const updateAttributesAction = roleAction(
  'operator',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const rows = readAttributeRows(formData);
    const values = {
      name: text(formData, 'name'),
      version: text(formData, 'version'),
      typeName: text(formData, 'typeName'),
      original: text(formData, 'original'),
      ...rowValues(rows),
    };
    const parsed = editAttributesForm.safeParse({ ...values, attributes: rows });
    if (!parsed.success) return invalidByPath(parsed.error, values);
    const { name, version, original, attributes } = parsed.data;
    const changes = attributeChanges(original, attributes);
    if (Object.keys(changes).length === 0) return succeeded('Nothing changed.');

    try {
      await audited(
        operator,
        {
          action: 'thing.update',
          resource: { type: 'thing', id: name },
          details: { attributes: Object.keys(changes) },
        },
        () => updateThingAttributes(name, changes, version),
      );
    } catch (err) {
      return failed(toAppError(err).message, values);
    }
    try {
      rememberThing(await describeThing(name));
    } catch {
      invalidateThingIndex();
    }
    revalidatePath(thingPath(name));
    revalidatePath('/things');
    return succeeded('Attributes saved.');
  },
);

export const addToGroupAction = roleAction(
  'operator',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = { name: text(formData, 'name'), groupName: text(formData, 'groupName') };
    const parsed = addToGroupForm.safeParse(values);
    if (!parsed.success) return invalidByPath(parsed.error, values);
    try {
      await audited(
        operator,
        {
          action: 'thing.add-to-group',
          resource: { type: 'thing', id: parsed.data.name },
          related: [parsed.data.groupName],
        },
        () => addThingToThingGroup(parsed.data.name, parsed.data.groupName),
      );
    } catch (err) {
      return failed(toAppError(err).message, values);
    }
    revalidatePath(thingPath(parsed.data.name));
    return succeeded(`Added to group "${parsed.data.groupName}".`);
  },
);

/**
 * Deletes the thing with its guided clean-up. Confirmed by typing the thing name. `pending` carries the
 * certificates an interrupted earlier run detached but did not delete, so a retry finishes them.
 */
export const deleteThingAction = roleAction(
  'admin',
  async (operator, _prev: ActionState<DeletionReport>, formData: FormData): Promise<ActionState<DeletionReport>> => {
    const values = { name: text(formData, 'name'), confirm: text(formData, 'confirm') };
    const pending = formData.getAll('pending').filter((v): v is string => typeof v === 'string');
    const parsed = deleteThingForm.safeParse({ ...values, pending });
    if (!parsed.success) return invalidByPath(parsed.error, values);

    // deleteThingWithCleanup never throws: each step's failure is in the report.
    const report = await audited(
      operator,
      { action: 'thing.delete', resource: { type: 'thing', id: parsed.data.name } },
      () => deleteThingWithCleanup(parsed.data.name, parsed.data.pending),
      {
        after: (r) => ({
          outcome: r.ok ? 'success' : 'failure',
          related: r.steps.flatMap((step) =>
            step.status === 'done' && step.certificateId ? [step.certificateId] : [],
          ),
          details: {
            steps: r.steps.filter((step) => step.status === 'done').map((step) => step.label),
            ...(r.failure ? { error: `${r.failure.step}: ${r.failure.message}` } : {}),
          },
        }),
      },
    );
    if (report.steps.some((s) => s.status === 'done' && s.kind === 'delete-thing')) forgetThing(parsed.data.name);
    revalidatePath('/things');
    if (!report.ok) {
      return {
        status: 'failed',
        message: `Stopped at "${report.failure?.step}": ${report.failure?.message}`,
        values,
        data: report,
      };
    }
    return succeeded(`Thing "${parsed.data.name}" was deleted.`, report);
  },
);
