import { z } from 'zod';

import { MAX_ATTRIBUTES_WITH_TYPE, MAX_ATTRIBUTES_WITHOUT_TYPE } from '@/lib/validation/iot-names';
import { awsName } from '@/lib/validation/messages';

/**
 * Thing attributes as a form holds them: one shape, one reader and one set of rules for every form that
 * edits them (create a thing, a thing's Attributes section, one-screen onboarding). AWS's own rules
 * (lib/validation/iot-names.ts) decide what is valid; the messages (lib/validation/messages.ts) say what to do about it, and each
 * issue's path (`attributes.<i>.name`) puts it beside its own input. Pure: server, browser and tests.
 *
 * Field shape: inputs named `attributes.<i>.name` and `attributes.<i>.value`, numbered by row.
 */

export interface AttributeRow {
  name: string;
  value: string;
}

/** The form field name of row `index`'s name or value. */
export const attributeFieldName = (index: number, part: keyof AttributeRow) => `attributes.${index}.${part}`;

export const attributeNameField = awsName('attributeName', { trim: false, empty: 'Enter a name, or remove the row.' });

export const attributeValueField = awsName('attributeValue', {
  trim: false,
  empty: 'Enter a value, or remove the row.',
});

/** The rows as a form sends them, each name and value checked on its own. */
export const attributeRows = z.array(z.object({ name: attributeNameField, value: attributeValueField }));

/**
 * The rules across rows: each name once, and AWS's count limit (3 attributes without a thing type, 50 with
 * one). Call from the form schema's superRefine, which knows whether a type was chosen.
 */
export function checkAttributeRows(rows: readonly AttributeRow[], typed: boolean, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (row.name && seen.has(row.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['attributes', i, 'name'],
        message: `"${row.name}" is given twice: it is already used above.`,
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

const FIELD = /^attributes\.(\d+)\.(name|value)$/;

/** Row indices of any length, compared as numbers (`attributes.1000.name` follows `attributes.999.name`). */
const indexKey = (digits: string) => digits.replace(/^0+(?=\d)/, '');
const byIndex = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/**
 * The attribute rows of a form, in index order (any index: a forged form's row 1000 is read, and the count
 * limit then refuses too many rows with its message), trimmed. Rows left entirely blank are dropped (an empty
 * extra row is not a mistake); the editor leaves blank rows unnamed, so the indices of the rows that are
 * sent are the indices the errors come back with.
 */
export function readAttributeRows(formData: FormData): AttributeRow[] {
  const rows = new Map<string, AttributeRow>();
  for (const [key, value] of formData.entries()) {
    const m = FIELD.exec(key);
    if (!m || typeof value !== 'string') continue;
    const i = indexKey(m[1]!);
    const row = rows.get(i) ?? { name: '', value: '' };
    row[m[2] as keyof AttributeRow] = value.trim();
    rows.set(i, row);
  }
  return [...rows.entries()]
    .sort(([a], [b]) => byIndex(a, b))
    .map(([, row]) => row)
    .filter((row) => row.name !== '' || row.value !== '');
}

/** The echo of a refused form, with the rows numbered as they will be shown again. */
export function rowValues(rows: readonly AttributeRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  rows.forEach((row, i) => {
    out[attributeFieldName(i, 'name')] = row.name;
    out[attributeFieldName(i, 'value')] = row.value;
  });
  return out;
}

/** The rows a refused form echoed back (see rowValues), or `fallback` when it echoed none. */
export function rowsFromValues(values: Record<string, string> | undefined, fallback: AttributeRow[]): AttributeRow[] {
  if (!values) return fallback;
  const rows: AttributeRow[] = [];
  for (let i = 0; attributeFieldName(i, 'name') in values || attributeFieldName(i, 'value') in values; i++) {
    rows.push({
      name: values[attributeFieldName(i, 'name')] ?? '',
      value: values[attributeFieldName(i, 'value')] ?? '',
    });
  }
  return rows;
}

/** The rows as AWS's attribute map. */
export function attributesRecord(rows: readonly AttributeRow[]): Record<string, string> {
  return Object.fromEntries(rows.map((r) => [r.name, r.value]));
}

/**
 * The UpdateThing attribute payload (merge) that turns `original` into `rows`: new and changed values,
 * and an empty value for each attribute removed (AWS's way to delete one).
 */
export function attributeChanges(
  original: Record<string, string>,
  rows: readonly AttributeRow[],
): Record<string, string> {
  const next = attributesRecord(rows);
  const changes: Record<string, string> = {};
  for (const [k, v] of Object.entries(next)) if (original[k] !== v) changes[k] = v;
  for (const k of Object.keys(original)) if (!(k in next)) changes[k] = '';
  return changes;
}
