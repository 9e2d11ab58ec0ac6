'use client';

import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { useFormStatus } from 'react-dom';

import type { ActionState } from '@/lib/forms/action-state';

import { Button, type ButtonVariant } from './button';
import { cn } from './cn';

/** The submit button of a form: disabled with a pending label while its action runs. */
export function SubmitButton({
  children,
  pendingLabel,
  variant = 'primary',
  className,
  disabled,
}: {
  children: ReactNode;
  pendingLabel?: string;
  variant?: ButtonVariant;
  className?: string;
  disabled?: boolean;
}) {
  const { pending } = useFormStatus();
  return (
    <Button
      type="submit"
      variant={variant}
      className={className}
      disabled={pending || disabled}
      aria-disabled={pending || disabled}
    >
      {pending ? (pendingLabel ?? 'Working…') : children}
    </Button>
  );
}

const inputClasses =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm ' +
  'focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 ' +
  'aria-[invalid=true]:border-red-500 aria-[invalid=true]:ring-red-500/20';

interface FieldShell {
  name: string;
  label: string;
  hint?: ReactNode;
  errors?: string[];
}

/** A label, the control, a hint and the field's errors, wired for screen readers (aria-describedby). */
function Shell({
  name,
  label,
  hint,
  errors,
  children,
}: FieldShell & { children: (describedBy: string | undefined) => ReactNode }) {
  const errorId = `${name}-error`;
  const hintId = `${name}-hint`;
  const describedBy =
    [hint ? hintId : undefined, errors?.length ? errorId : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={name} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children(describedBy)}
      {hint ? (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <div id={errorId} aria-live="polite" className="text-xs text-red-700">
        {errors?.map((e) => (
          <p key={e}>{e}</p>
        ))}
      </div>
    </div>
  );
}

export function TextField({
  name,
  label,
  hint,
  errors,
  className,
  ...input
}: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Shell name={name} label={label} hint={hint} errors={errors}>
      {(describedBy) => (
        <input
          id={name}
          name={name}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={describedBy}
          className={cn(inputClasses, className)}
          {...input}
        />
      )}
    </Shell>
  );
}

export function TextAreaField({
  name,
  label,
  hint,
  errors,
  className,
  ...area
}: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <Shell name={name} label={label} hint={hint} errors={errors}>
      {(describedBy) => (
        <textarea
          id={name}
          name={name}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={describedBy}
          className={cn(inputClasses, 'font-mono', className)}
          {...area}
        />
      )}
    </Shell>
  );
}

export function SelectField({
  name,
  label,
  hint,
  errors,
  className,
  options,
  ...select
}: FieldShell & SelectHTMLAttributes<HTMLSelectElement> & { options: readonly { value: string; label: string }[] }) {
  return (
    <Shell name={name} label={label} hint={hint} errors={errors}>
      {(describedBy) => (
        <select
          id={name}
          name={name}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={describedBy}
          className={cn(inputClasses, className)}
          {...select}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Shell>
  );
}

/** The form-level outcome of an action: an error alert, or a success status line. */
export function FormMessage({ state }: { state: ActionState<unknown> }) {
  if (!state.message || state.status === 'idle') return <div aria-live="polite" />;
  const ok = state.status === 'success';
  return (
    <div
      role={ok ? 'status' : 'alert'}
      aria-live="polite"
      className={cn(
        'rounded-md border px-3 py-2 text-sm',
        ok ? 'border-emerald-200 bg-emerald-50 text-emerald-900' : 'border-red-200 bg-red-50 text-red-900',
      )}
    >
      {state.message}
    </div>
  );
}
