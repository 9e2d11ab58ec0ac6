'use client';

import { useRef, useState, type ReactNode } from 'react';

import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { inputClasses } from '@/components/ui/field-styles';
import { FieldErrors } from '@/components/ui/form';
import { attributeFieldName, type AttributeRow } from '@/lib/things/attributes';
import { MAX_ATTRIBUTES_WITH_TYPE } from '@/lib/validation/iot-names';

type FieldErrorMap = Record<string, string[] | undefined>;

interface EditorRow extends AttributeRow {
  id: number;
  nameErrors?: string[];
  valueErrors?: string[];
}

const isBlank = (r: AttributeRow) => r.name.trim() === '' && r.value.trim() === '';

/**
 * The index each row is sent with: rows left blank are not sent at all, so the rows that are sent are
 * numbered 0, 1, 2 … exactly as the server reads them (lib/things/attributes.ts readAttributeRows) and as
 * its errors come back (`attributes.<i>.name`).
 */
function sentIndices(rows: readonly AttributeRow[]): (number | undefined)[] {
  let next = 0;
  return rows.map((r) => (isBlank(r) ? undefined : next++));
}

/** Each row keeps the errors of the answer it was sent with, so removing a row does not move a message. */
function withErrors(rows: EditorRow[], errors: FieldErrorMap | undefined): EditorRow[] {
  const sent = sentIndices(rows);
  return rows.map((r, i) => {
    const at = sent[i];
    return {
      ...r,
      nameErrors: at === undefined ? undefined : errors?.[attributeFieldName(at, 'name')],
      valueErrors: at === undefined ? undefined : errors?.[attributeFieldName(at, 'value')],
    };
  });
}

/**
 * Repeatable name/value rows for thing attributes, used by every form that edits them (create a thing, a
 * thing's Attributes section, onboarding). One field shape: inputs named `attributes.<i>.name` and
 * `attributes.<i>.value`. Errors come as the form's field errors keyed by path: each row's beside its
 * inputs, the set's own (too many, AWS's count limit) under the rows, in `#attributes-error`.
 */
export function AttributeRowsEditor({
  initialRows,
  fieldErrors,
  hint,
  legend = 'Attributes',
  maxRows = MAX_ATTRIBUTES_WITH_TYPE,
  hideLegend = false,
}: {
  initialRows: AttributeRow[];
  /** The last answer's field errors (`attributes.<i>.name|value`, `attributes`); undefined clears them. */
  fieldErrors?: FieldErrorMap;
  hint?: ReactNode;
  legend?: string;
  maxRows?: number;
  /** For a section already headed "Attributes": the legend stays for screen readers only. */
  hideLegend?: boolean;
}) {
  const nextId = useRef(0);
  const newRow = (r: AttributeRow): EditorRow => ({ name: r.name, value: r.value, id: nextId.current++ });
  const [rows, setRows] = useState(() => withErrors(initialRows.map(newRow), fieldErrors));
  // A new answer attaches its errors to the rows as they were sent (React's "adjust state on a prop change").
  const [answered, setAnswered] = useState(fieldErrors);
  if (answered !== fieldErrors) {
    setAnswered(fieldErrors);
    setRows((rs) => withErrors(rs, fieldErrors));
  }
  const focusLast = useRef(false);
  const sent = sentIndices(rows);
  const update = (id: number, patch: Partial<AttributeRow>) =>
    setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));

  return (
    <fieldset className="space-y-2" aria-describedby={cn('attributes-error', hint ? 'attributes-hint' : '')}>
      <legend className={hideLegend ? 'sr-only' : 'text-sm font-medium text-slate-800'}>{legend}</legend>
      {hint ? (
        <p id="attributes-hint" className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {rows.length === 0 ? <p className="text-sm text-slate-500">No attributes.</p> : null}
      <ul className="space-y-2">
        {rows.map((row, i) => {
          const n = i + 1;
          const at = sent[i];
          const nameErr = `attributes-${i}-name-error`;
          const valueErr = `attributes-${i}-value-error`;
          return (
            <li key={row.id} className="grid grid-cols-[1fr_1fr_auto] items-start gap-2">
              <div>
                <input
                  name={at === undefined ? undefined : attributeFieldName(at, 'name')}
                  aria-label={`Attribute ${n} name`}
                  placeholder="name"
                  value={row.name}
                  onChange={(e) => update(row.id, { name: e.target.value })}
                  maxLength={128}
                  aria-invalid={row.nameErrors?.length ? true : undefined}
                  aria-describedby={nameErr}
                  className={cn(inputClasses, 'font-mono')}
                  ref={(el) => {
                    if (el && i === rows.length - 1 && focusLast.current) {
                      focusLast.current = false;
                      el.focus();
                    }
                  }}
                />
                <FieldErrors id={nameErr} errors={row.nameErrors} className="mt-1" />
              </div>
              <div>
                <input
                  name={at === undefined ? undefined : attributeFieldName(at, 'value')}
                  aria-label={`Attribute ${n} value`}
                  placeholder="value"
                  value={row.value}
                  onChange={(e) => update(row.id, { value: e.target.value })}
                  maxLength={800}
                  aria-invalid={row.valueErrors?.length ? true : undefined}
                  aria-describedby={valueErr}
                  className={cn(inputClasses, 'font-mono')}
                />
                <FieldErrors id={valueErr} errors={row.valueErrors} className="mt-1" />
              </div>
              <Button
                variant="ghost"
                aria-label={`Remove attribute ${n}`}
                onClick={() => setRows((rs) => rs.filter((r) => r.id !== row.id))}
              >
                Remove
              </Button>
            </li>
          );
        })}
      </ul>
      <FieldErrors
        id="attributes-error"
        errors={fieldErrors?.attributes}
        className={fieldErrors?.attributes?.length ? 'mt-1' : undefined}
      />
      <Button
        variant="secondary"
        disabled={rows.length >= maxRows}
        onClick={() => {
          focusLast.current = true;
          setRows((rs) => [...rs, newRow({ name: '', value: '' })]);
        }}
      >
        Add attribute
      </Button>
    </fieldset>
  );
}
