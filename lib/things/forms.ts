import { z } from 'zod';

import { attributes as attributesSchema } from '@/lib/validation/iot-names';
import { awsName, optionalAwsName } from '@/lib/validation/messages';

import { attributeRows, checkAttributeRows } from './attributes';

/**
 * The Things forms' input rules: AWS's own (lib/validation/iot-names.ts decides what is valid) with
 * messages a person can act on (lib/validation/messages.ts), and issues keyed by field path (`attributes.2.value`) so each one shows
 * beside its input (lib/forms/action-state.ts invalidByPath). Pure: shared by the actions and the tests.
 */

export const thingNameField = awsName('thingName', { trim: false });

export const createThingForm = z
  .object({
    name: thingNameField,
    typeName: optionalAwsName('thingTypeName'),
    groupName: optionalAwsName('thingGroupName'),
    attributes: attributeRows,
  })
  .superRefine((v, ctx) => checkAttributeRows(v.attributes, Boolean(v.typeName), ctx));

export type CreateThingForm = z.infer<typeof createThingForm>;

export const editAttributesForm = z
  .object({
    name: thingNameField,
    version: z.coerce.number().int().min(0),
    typeName: optionalAwsName('thingTypeName'),
    /** The attributes as the form showed them (JSON), so only what the operator changed is sent. */
    original: z
      .string()
      .transform((s, ctx) => {
        try {
          return JSON.parse(s) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'The form is out of date. Reload the page.' });
          return z.NEVER;
        }
      })
      .pipe(attributesSchema),
    attributes: attributeRows,
  })
  .superRefine((v, ctx) => checkAttributeRows(v.attributes, Boolean(v.typeName), ctx));

export const addToGroupForm = z.object({
  name: thingNameField,
  groupName: awsName('thingGroupName', { trim: false, empty: 'Choose a group.' }),
});

export const deleteThingForm = z
  .object({
    name: thingNameField,
    confirm: z.string(),
    pending: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(100),
  })
  .superRefine((v, ctx) => {
    if (v.confirm.trim() !== v.name) {
      ctx.addIssue({ code: 'custom', path: ['confirm'], message: `Type the thing name, ${v.name}, to confirm.` });
    }
  });
