'use client';

import { useRef, useState } from 'react';

import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';

export interface AttributeRowInit {
  name: string;
  value: string;
  nameErrors?: string[];
  valueErrors?: string[];
}

/** The rows a refused form echoes back (`attributes.<i>.name|value`), with each row's own errors. */
export function rowsFromState(
  values: Record<string, string> | undefined,
  fieldErrors: Record<string, string[] | undefined> | undefined,
  fallback: AttributeRowInit[],
): AttributeRowInit[] {
  if (!values) return fallback;
  const rows: AttributeRowInit[] = [];
  for (let i = 0; `attributes.${i}.name` in values || `attributes.${i}.value` in values; i++) {
    rows.push({
      name: values[`attributes.${i}.name`] ?? '',
      value: values[`attributes.${i}.value`] ?? '',
      nameErrors: fieldErrors?.[`attributes.${i}.name`],
      valueErrors: fieldErrors?.[`attributes.${i}.value`],
    });
  }
  return rows;
}

const inputClasses =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 font-mono text-sm shadow-sm ' +
  'focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 ' +
  'aria-[invalid=true]:border-red-500';

/**
 * Repeatable name/value rows for thing attributes. Inputs are named `attributes.<i>.name` and
 * `attributes.<i>.value` (renumbered as rows come and go); each row keeps its own errors, so removing a
 * row does not move a message onto its neighbour. The errors for the set as a whole (too many, AWS's
 * count limit) sit under the rows, in `groupErrors`.
 */
export function AttributeRowsEditor({
  initialRows,
  groupErrors,
  hint,
  maxRows = 50,
  hideLegend = false,
}: {
  initialRows: AttributeRowInit[];
  groupErrors?: string[];
  hint?: string;
  maxRows?: number;
  /** For a section already headed "Attributes": the legend stays for screen readers only. */
  hideLegend?: boolean;
}) {
  const nextId = useRef(0);
  const withId = (r: AttributeRowInit) => ({ ...r, id: nextId.current++ });
  const [rows, setRows] = useState(() => initialRows.map(withId));
  const lastNameInput = useRef<HTMLInputElement | null>(null);
  const focusLast = useRef(false);

  return (
    <fieldset className="space-y-2" aria-describedby="attributes-error attributes-hint">
      <legend className={hideLegend ? 'sr-only' : 'text-sm font-medium text-slate-800'}>Attributes</legend>
      {hint ? (
        <p id="attributes-hint" className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {rows.length === 0 ? <p className="text-sm text-slate-500">No attributes.</p> : null}
      <ul className="space-y-2">
        {rows.map((row, i) => {
          const n = i + 1;
          const nameErr = `attributes-${i}-name-error`;
          const valueErr = `attributes-${i}-value-error`;
          return (
            <li key={row.id} className="grid grid-cols-[1fr_1fr_auto] items-start gap-2">
              <div>
                <input
                  name={`attributes.${i}.name`}
                  aria-label={`Attribute ${n} name`}
                  placeholder="name"
                  defaultValue={row.name}
                  maxLength={128}
                  aria-invalid={row.nameErrors?.length ? true : undefined}
                  aria-describedby={nameErr}
                  className={inputClasses}
                  ref={(el) => {
                    if (i === rows.length - 1) {
                      lastNameInput.current = el;
                      if (el && focusLast.current) {
                        focusLast.current = false;
                        el.focus();
                      }
                    }
                  }}
                />
                <div id={nameErr} aria-live="polite" className="mt-1 text-xs text-red-700">
                  {row.nameErrors?.map((e) => (
                    <p key={e}>{e}</p>
                  ))}
                </div>
              </div>
              <div>
                <input
                  name={`attributes.${i}.value`}
                  aria-label={`Attribute ${n} value`}
                  placeholder="value"
                  defaultValue={row.value}
                  maxLength={800}
                  aria-invalid={row.valueErrors?.length ? true : undefined}
                  aria-describedby={valueErr}
                  className={inputClasses}
                />
                <div id={valueErr} aria-live="polite" className="mt-1 text-xs text-red-700">
                  {row.valueErrors?.map((e) => (
                    <p key={e}>{e}</p>
                  ))}
                </div>
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
      <div
        id="attributes-error"
        aria-live="polite"
        className={cn('text-xs text-red-700', groupErrors?.length ? 'mt-1' : '')}
      >
        {groupErrors?.map((e) => (
          <p key={e}>{e}</p>
        ))}
      </div>
      <Button
        variant="secondary"
        disabled={rows.length >= maxRows}
        onClick={() => {
          focusLast.current = true;
          setRows((rs) => [...rs, withId({ name: '', value: '' })]);
        }}
      >
        Add attribute
      </Button>
    </fieldset>
  );
}
