'use client';

import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { useFormStatus } from 'react-dom';

import type { ActionState } from '@/lib/forms/action-state';

import { Button, type ButtonVariant } from './button';
import { cn } from './cn';
import { errorClasses, hintClasses, inputClasses, labelClasses } from './field-styles';

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

/** What a control needs from its Field: its id and the accessibility wiring to the hint and errors. */
export interface ControlProps {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': true | undefined;
}

/** The ids a field's hint and error block get: `<id>-hint`, `<id>-error` (specs and the editor rely on them). */
export const hintIdOf = (id: string) => `${id}-hint`;
export const errorIdOf = (id: string) => `${id}-error`;

/** A field's errors, announced as they change (`aria-live`); present even when empty so the region exists. */
export function FieldErrors({ id, errors, className }: { id: string; errors?: readonly string[]; className?: string }) {
  return (
    <div id={id} aria-live="polite" className={cn(errorClasses, className)}>
      {errors?.map((e) => (
        <p key={e}>{e}</p>
      ))}
    </div>
  );
}

/**
 * One form field: a label, the control, a hint and the field's errors, wired for screen readers (the
 * control is described by the hint and, when there are errors, by them, and marked aria-invalid). The
 * control comes from `children`, so any input fits; `aside` sits beside the label (e.g. an upload button).
 */
export function Field({
  id,
  label,
  hint,
  errors,
  aside,
  className,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: readonly string[];
  aside?: ReactNode;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const invalid = Boolean(errors?.length);
  const describedBy = [hint ? hintIdOf(id) : undefined, invalid ? errorIdOf(id) : undefined].filter(Boolean).join(' ');
  const labelEl = (
    <label htmlFor={id} className={labelClasses}>
      {label}
    </label>
  );
  return (
    <div className={cn('space-y-1', className)}>
      {aside ? (
        <div className="flex flex-wrap items-end justify-between gap-2">
          {labelEl}
          {aside}
        </div>
      ) : (
        labelEl
      )}
      {children({ id, 'aria-describedby': describedBy || undefined, 'aria-invalid': invalid || undefined })}
      {hint ? (
        <p id={hintIdOf(id)} className={hintClasses}>
          {hint}
        </p>
      ) : null}
      <FieldErrors id={errorIdOf(id)} errors={errors} />
    </div>
  );
}

interface FieldShell {
  name: string;
  label: string;
  hint?: ReactNode;
  errors?: string[];
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
    <Field id={name} label={label} hint={hint} errors={errors}>
      {(control) => <input {...control} name={name} className={cn(inputClasses, className)} {...input} />}
    </Field>
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
    <Field id={name} label={label} hint={hint} errors={errors}>
      {(control) => (
        <textarea {...control} name={name} className={cn(inputClasses, 'font-mono', className)} {...area} />
      )}
    </Field>
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
    <Field id={name} label={label} hint={hint} errors={errors}>
      {(control) => (
        <select {...control} name={name} className={cn(inputClasses, className)} {...select}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
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
