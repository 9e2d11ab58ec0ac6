/**
 * The look of the form controls, in one place. A plain module (no 'use client'), so server components
 * (GET forms) and client components share the same strings.
 */

/** A text input, select or textarea: border, focus ring, and red when `aria-invalid`. No width: see inputClasses. */
export const controlClasses =
  'block rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm ' +
  'focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 ' +
  'aria-[invalid=true]:border-red-500 aria-[invalid=true]:ring-red-500/20';

/** A control that fills its row (the usual case). */
export const inputClasses = `${controlClasses} w-full`;

/** A native file input, its button styled like a secondary button. */
export const fileInputClasses =
  'block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 ' +
  'file:py-1.5 file:text-sm file:font-medium hover:file:bg-slate-200';

/** A field's label, its hint and its error block. */
export const labelClasses = 'block text-sm font-medium text-slate-800';
export const hintClasses = 'text-xs text-slate-500';
export const errorClasses = 'text-xs text-red-700';
