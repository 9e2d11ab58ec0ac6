import { z } from 'zod';

import type { ActionState } from '@/lib/forms/action-state';
import {
  attributeName,
  attributes as attributesSchema,
  attributeValue,
  MAX_ATTRIBUTES_WITH_TYPE,
  MAX_ATTRIBUTES_WITHOUT_TYPE,
  thingGroupName,
  thingName,
  thingTypeName,
} from '@/lib/validation/iot-names';

/**
 * The Things forms' input rules: AWS's own (lib/validation/iot-names.ts decides what is valid) with
 * messages a person can act on, and errors keyed by field path (`attributes.2.value`) so each one shows
 * beside its input. Pure: shared by the actions, the list page's filters and the unit tests.
 */

/** Accepts what `schema` accepts; otherwise one issue with `describe`'s message. */
function checked(schema: z.ZodType<string>, describe: (value: string) => string) {
  return z.string().superRefine((value, ctx) => {
    if (!schema.safeParse(value).success) ctx.addIssue({ code: 'custom', message: describe(value) });
  });
}

const NAME_CHARS = 'letters, digits, colons (:), underscores (_) and hyphens (-)';

export const thingNameField = checked(thingName, (v) =>
  v.length === 0
    ? 'Enter a thing name.'
    : v.length > 128
      ? 'At most 128 characters.'
      : `Use only ${NAME_CHARS}, no spaces.`,
);

const optionalName = (schema: z.ZodType<string>, what: string) =>
  z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined)
    .pipe(checked(schema, () => `Not a valid ${what} name.`).optional());

export const attributeNameField = checked(attributeName, (v) =>
  v.length === 0
    ? 'Enter a name, or remove the row.'
    : v.length > 128
      ? 'At most 128 characters.'
      : 'Use only letters, digits and _ . , @ / : # - (no spaces).',
);

export const attributeValueField = checked(attributeValue.min(1), (v) =>
  v.length === 0
    ? 'Enter a value, or remove the row.'
    : v.length > 800
      ? 'At most 800 characters.'
      : 'Use only letters, digits and _ . , @ / : # = [ ] - (no spaces).',
);

export interface AttributeRow {
  name: string;
  value: string;
}

const attributeRows = z.array(z.object({ name: attributeNameField, value: attributeValueField }));

/** Duplicate names and AWS's count limit (3 attributes without a thing type, 50 with one). */
function checkRows(rows: AttributeRow[], typed: boolean, ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (row.name && seen.has(row.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['attributes', i, 'name'],
        message: `"${row.name}" is already used above.`,
      });
    }
    seen.add(row.name);
  });
  const max = typed ? MAX_ATTRIBUTES_WITH_TYPE : MAX_ATTRIBUTES_WITHOUT_TYPE;
  if (rows.length > max) {
    ctx.addIssue({
      code: 'custom',
      path: ['attributes'],
      message: typed
        ? `A thing can have at most ${max} attributes; this has ${rows.length}.`
        : `A thing without a thing type can have at most ${max} attributes; this has ${rows.length}. ` +
          `Choose a thing type (up to ${MAX_ATTRIBUTES_WITH_TYPE}) or remove one.`,
    });
  }
}

/**
 * The attribute rows of a form, from inputs named `attributes.<i>.name` / `attributes.<i>.value`, in
 * index order. Rows left entirely blank are dropped (an empty extra row is not a mistake).
 */
export function readAttributeRows(formData: FormData): AttributeRow[] {
  const byIndex = new Map<number, AttributeRow>();
  for (const [key, value] of formData.entries()) {
    const m = /^attributes\.(\d{1,3})\.(name|value)$/.exec(key);
    if (!m || typeof value !== 'string') continue;
    const i = Number(m[1]);
    const row = byIndex.get(i) ?? { name: '', value: '' };
    row[m[2] as 'name' | 'value'] = value.trim();
    byIndex.set(i, row);
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, row]) => row)
    .filter((row) => row.name !== '' || row.value !== '');
}

/** The echo of a refused form, with the rows renumbered as they will be shown again. */
export function rowValues(rows: AttributeRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  rows.forEach((row, i) => {
    out[`attributes.${i}.name`] = row.name;
    out[`attributes.${i}.value`] = row.value;
  });
  return out;
}

export const createThingForm = z
  .object({
    name: thingNameField,
    typeName: optionalName(thingTypeName, 'thing type'),
    groupName: optionalName(thingGroupName, 'thing group'),
    attributes: attributeRows,
  })
  .superRefine((v, ctx) => checkRows(v.attributes, Boolean(v.typeName), ctx));

export type CreateThingForm = z.infer<typeof createThingForm>;

export const editAttributesForm = z
  .object({
    name: thingNameField,
    version: z.coerce.number().int().min(0),
    typeName: optionalName(thingTypeName, 'thing type'),
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
  .superRefine((v, ctx) => checkRows(v.attributes, Boolean(v.typeName), ctx));

/**
 * The UpdateThing attribute payload (merge) that turns `original` into `rows`: new and changed values,
 * and an empty value for each attribute removed (AWS's way to delete one).
 */
export function attributeChanges(original: Record<string, string>, rows: AttributeRow[]): Record<string, string> {
  const next = Object.fromEntries(rows.map((r) => [r.name, r.value]));
  const changes: Record<string, string> = {};
  for (const [k, v] of Object.entries(next)) if (original[k] !== v) changes[k] = v;
  for (const k of Object.keys(original)) if (!(k in next)) changes[k] = '';
  return changes;
}

export const addToGroupForm = z.object({
  name: thingNameField,
  groupName: checked(thingGroupName, (v) => (v ? 'Not a valid thing group name.' : 'Choose a group.')),
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

/** An "invalid" action state whose field errors are keyed by the full path (`attributes.1.name`). */
export function invalidByPath<D = undefined>(error: z.ZodError, values?: Record<string, string>): ActionState<D> {
  const fieldErrors: Record<string, string[]> = {};
  const formErrors: string[] = [];
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.');
    if (!key) formErrors.push(issue.message);
    else (fieldErrors[key] ??= []).push(issue.message);
  }
  return {
    status: 'invalid',
    message: formErrors[0] ?? 'Some fields need attention: see the messages beside them.',
    fieldErrors,
    values,
  };
}

// ---------------------------------------------------------------------------------------------------
// The list page's filters (a GET form: they live in the address)

export interface ThingsQuery {
  prefix?: string;
  typeName?: string;
  groupName?: string;
  attributeName?: string;
  attributeValue?: string;
  /** The raw `name=value` text, echoed back into the field. */
  attribute?: string;
  /** 1-based page of a search served from the index. */
  page: number;
  nextToken?: string;
  refresh: boolean;
}

export type SearchParams = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined): string | undefined => {
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  return s ? s : undefined;
};

export function parseThingsQuery(params: SearchParams): { query: ThingsQuery; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const query: ThingsQuery = { page: 1, refresh: first(params.refresh) === '1' };

  const prefix = first(params.q);
  if (prefix !== undefined) {
    if (prefix.length > 128 || !/^[a-zA-Z0-9:_-]+$/.test(prefix)) {
      errors.q = `Thing names hold only ${NAME_CHARS}: no thing starts with that.`;
    }
    query.prefix = prefix;
  }
  const typeName = first(params.type);
  if (typeName !== undefined) {
    if (!thingTypeName.safeParse(typeName).success) errors.type = 'Not a valid thing type name.';
    query.typeName = typeName;
  }
  const groupName = first(params.group);
  if (groupName !== undefined) {
    if (!thingGroupName.safeParse(groupName).success) errors.group = 'Not a valid thing group name.';
    query.groupName = groupName;
  }
  const attribute = first(params.attr);
  if (attribute !== undefined) {
    query.attribute = attribute;
    const eq = attribute.indexOf('=');
    if (eq <= 0) {
      errors.attr = 'Write the attribute as name=value, for example site=lab.';
    } else {
      const name = attribute.slice(0, eq).trim();
      const value = attribute.slice(eq + 1).trim();
      if (!attributeName.safeParse(name).success) errors.attr = `"${name}" is not a valid attribute name.`;
      else if (!value || !attributeValue.safeParse(value).success) errors.attr = 'Give a valid value after "=".';
      else {
        query.attributeName = name;
        query.attributeValue = value;
      }
    }
  }
  const page = Number(first(params.page) ?? '1');
  query.page = Number.isInteger(page) && page >= 1 && page <= 1_000_000 ? page : 1;
  const token = first(params.nextToken);
  if (token && token.length <= 4096) query.nextToken = token;
  return { query, errors };
}

/** The address of the list with these filters (empty ones left out), e.g. for pagination links. */
export function thingsHref(query: Partial<ThingsQuery>, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  if (query.prefix) params.set('q', query.prefix);
  if (query.typeName) params.set('type', query.typeName);
  if (query.groupName) params.set('group', query.groupName);
  if (query.attribute) params.set('attr', query.attribute);
  for (const [k, v] of Object.entries(extra)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `/things?${s}` : '/things';
}

/** A route segment as text: Next.js may hand it over still percent-encoded; a malformed one stays as is. */
export function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
