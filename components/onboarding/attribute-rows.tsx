'use client';

import { Button } from '@/components/ui/button';

export interface AttributeRow {
  id: number;
  name: string;
  value: string;
}

const inputClasses =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 ' +
  'focus:outline-none focus:ring-2 focus:ring-indigo-500/30 aria-[invalid=true]:border-red-500';

/** Attribute name/value rows (repeated attrName / attrValue fields), with add and remove. */
export function AttributeRows({
  rows,
  onChange,
  errors,
  max,
}: {
  rows: AttributeRow[];
  onChange: (rows: AttributeRow[]) => void;
  errors?: string[];
  max: number;
}) {
  const update = (id: number, patch: Partial<AttributeRow>) =>
    onChange(rows.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const hasErrors = Boolean(errors?.length);
  return (
    <fieldset className="space-y-2" aria-describedby="attributes-hint attributes-error">
      <legend className="text-sm font-medium text-slate-800">Attributes (optional)</legend>
      <p id="attributes-hint" className="text-xs text-slate-500">
        Searchable name=value pairs, for example site=factory-1. At most {max} {max === 3 ? 'without a thing type' : ''}
        .
      </p>
      {rows.map((row, i) => (
        <div key={row.id} className="flex items-center gap-2">
          <input
            name="attrName"
            aria-label={`Attribute ${i + 1} name`}
            placeholder="name"
            value={row.name}
            aria-invalid={hasErrors || undefined}
            onChange={(e) => update(row.id, { name: e.target.value })}
            className={inputClasses}
          />
          <span aria-hidden="true" className="text-slate-400">
            =
          </span>
          <input
            name="attrValue"
            aria-label={`Attribute ${i + 1} value`}
            placeholder="value"
            value={row.value}
            aria-invalid={hasErrors || undefined}
            onChange={(e) => update(row.id, { value: e.target.value })}
            className={inputClasses}
          />
          <Button
            variant="ghost"
            aria-label={`Remove attribute ${i + 1}`}
            onClick={() => onChange(rows.filter((r) => r.id !== row.id))}
          >
            Remove
          </Button>
        </div>
      ))}
      <Button
        variant="secondary"
        className="text-xs"
        onClick={() => onChange([...rows, { id: Math.max(0, ...rows.map((r) => r.id)) + 1, name: '', value: '' }])}
      >
        Add attribute
      </Button>
      <div id="attributes-error" aria-live="polite" className="text-xs text-red-700">
        {errors?.map((e) => (
          <p key={e}>{e}</p>
        ))}
      </div>
    </fieldset>
  );
}
