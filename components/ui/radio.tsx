import type { ReactNode } from 'react';

import { errorIdOf, FieldErrors } from './form';

/** One radio choice: its group, value and state, what it says and a line of hint. */
interface RadioChoiceProps {
  name: string;
  value: string;
  checked: boolean;
  onChange: () => void;
  label: ReactNode;
  hint?: ReactNode;
}

/** One choice as a card: the radio, its label and a line of hint; the card shows checked and focused. */
export function RadioCard({ name, value, checked, onChange, label, hint }: RadioChoiceProps) {
  return (
    <label className="flex cursor-pointer gap-3 rounded-md border border-slate-200 p-3 text-sm has-[:checked]:border-indigo-500 has-[:checked]:bg-indigo-50/50 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500/40">
      <input
        type="radio"
        name={name}
        value={value}
        checked={checked}
        onChange={onChange}
        className="mt-0.5 accent-indigo-600"
      />
      <span>
        <span className="block font-medium text-slate-900">{label}</span>
        {hint ? <span className="mt-0.5 block text-xs text-slate-600">{hint}</span> : null}
      </span>
    </label>
  );
}

/** A radio group of cards with its legend and errors (`<name>-error`, announced as they change). */
export function RadioCards<T extends string>({
  name,
  legend,
  value,
  options,
  onChange,
  errors,
}: {
  name: string;
  legend: string;
  value: T;
  options: readonly { value: T; label: string; hint?: string }[];
  onChange: (value: T) => void;
  errors?: string[];
}) {
  return (
    <fieldset aria-describedby={errorIdOf(name)}>
      <legend className="mb-2 text-sm font-medium text-slate-800">{legend}</legend>
      <div className="grid gap-2 sm:grid-cols-2">
        {options.map((o) => (
          <RadioCard
            key={o.value}
            name={name}
            value={o.value}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
            label={o.label}
            hint={o.hint}
          />
        ))}
      </div>
      <FieldErrors id={errorIdOf(name)} errors={errors} className="mt-1" />
    </fieldset>
  );
}

/** One choice of a plain radio list: the radio, its label, and a line under it saying what it means. */
export function RadioOption({ name, value, checked, onChange, label, hint }: RadioChoiceProps) {
  return (
    <label className="flex items-start gap-2 text-sm">
      <input type="radio" name={name} value={value} checked={checked} onChange={onChange} className="mt-1" />
      <span>
        <span className="font-medium">{label}</span>
        {hint ? <span className="block text-xs text-slate-500">{hint}</span> : null}
      </span>
    </label>
  );
}
