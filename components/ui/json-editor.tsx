'use client';

import { useMemo, useRef, useState, type ReactNode } from 'react';

import { Button } from './button';
import { cn } from './cn';
import { formatJson, isJsonSyntaxMessage, lineColumn, parseJson } from '@/lib/json/parse';

export interface JsonEditorProps {
  /** Form field name (the textarea submits under it) and the base of the element ids. */
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Errors from outside the editor (a schema, the server), shown under the syntax error. */
  errors?: readonly string[];
  hint?: ReactNode;
  /** Visible lines; the editor scrolls beyond them. */
  rows?: number;
  readOnly?: boolean;
  /** Extra controls in the toolbar, after Format. */
  toolbar?: ReactNode;
  className?: string;
}

const LINE_HEIGHT = 'leading-5';

/**
 * A plain-text JSON editor: a monospace textarea with line numbers, the first syntax error as it is typed
 * (line, column and a plain-words message; "Go to" moves the caret there), external errors, and a Format
 * button. Keyboard use is the textarea's own: Tab still moves focus out.
 */
export function JsonEditor({
  name,
  label,
  value,
  onChange,
  errors,
  hint,
  rows = 18,
  readOnly,
  toolbar,
  className,
}: JsonEditorProps) {
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const gutterRef = useRef<HTMLDivElement>(null);
  const [caret, setCaret] = useState<{ line: number; column: number }>({ line: 1, column: 1 });

  const parsed = useMemo(() => parseJson(value), [value]);
  const lineCount = useMemo(() => value.split('\n').length, [value]);
  const syntaxError = parsed.ok ? undefined : parsed;
  // One message per JSON error: the live one below (with its Go-to), not also a copy the server sent back.
  const external = errors?.filter((e) => e && !(syntaxError && isJsonSyntaxMessage(e))) ?? [];
  const invalid = Boolean(syntaxError) || external.length > 0;

  const errorId = `${name}-error`;
  const hintId = `${name}-hint`;
  const statusId = `${name}-status`;
  const describedBy = [hint ? hintId : undefined, errorId].filter(Boolean).join(' ');

  const updateCaret = () => {
    const el = areaRef.current;
    if (el) setCaret(lineColumn(el.value, el.selectionStart));
  };

  const goTo = (offset: number) => {
    const el = areaRef.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(offset, offset);
    // Bring the line into view: one line is 20px (leading-5).
    const { line } = lineColumn(el.value, offset);
    el.scrollTop = Math.max(0, (line - 3) * 20);
    updateCaret();
  };

  const format = () => {
    const pretty = formatJson(value);
    if (pretty !== undefined && pretty !== value) onChange(pretty);
  };

  return (
    <div className={cn('space-y-1.5', className)}>
      <div className="flex flex-wrap items-end justify-between gap-2">
        <label htmlFor={name} className="block text-sm font-medium text-slate-800">
          {label}
        </label>
        <div className="flex items-center gap-2">
          {toolbar}
          <Button
            variant="secondary"
            className="px-2 py-1 text-xs"
            onClick={format}
            disabled={readOnly || !parsed.ok}
            title={parsed.ok ? 'Indent the document with two spaces' : 'Fix the syntax error first'}
          >
            Format
          </Button>
        </div>
      </div>
      <div
        className={cn(
          'flex overflow-hidden rounded-md border bg-white shadow-sm focus-within:ring-2',
          invalid
            ? 'border-red-500 focus-within:ring-red-500/20'
            : 'border-slate-300 focus-within:border-indigo-500 focus-within:ring-indigo-500/30',
        )}
      >
        <div
          ref={gutterRef}
          aria-hidden="true"
          className={cn(
            'shrink-0 overflow-hidden bg-slate-50 py-2 pr-2 pl-3 text-right font-mono text-xs text-slate-400 select-none',
            LINE_HEIGHT,
          )}
        >
          {Array.from({ length: lineCount }, (_, i) => (
            <div
              // biome-ignore lint/suspicious/noArrayIndexKey: a gutter line is identified by its number.
              key={i}
              className={cn('h-5 text-xs leading-5', syntaxError?.line === i + 1 && 'font-semibold text-red-600')}
            >
              {i + 1}
            </div>
          ))}
        </div>
        <textarea
          ref={areaRef}
          id={name}
          name={name}
          value={value}
          readOnly={readOnly}
          onChange={(e) => {
            onChange(e.target.value);
            setCaret(lineColumn(e.target.value, e.target.selectionStart));
          }}
          onSelect={updateCaret}
          onKeyUp={updateCaret}
          onClick={updateCaret}
          onScroll={(e) => {
            if (gutterRef.current) gutterRef.current.scrollTop = e.currentTarget.scrollTop;
          }}
          rows={rows}
          wrap="off"
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          autoCorrect="off"
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          className={cn(
            'block min-w-0 flex-1 resize-y border-0 bg-transparent px-3 py-2 font-mono text-xs text-slate-900 focus:outline-none',
            LINE_HEIGHT,
          )}
          style={{ height: `${rows * 20 + 16}px`, tabSize: 2 }}
        />
      </div>
      <div className="flex flex-wrap justify-between gap-2 text-xs text-slate-500">
        <span id={statusId}>
          Line {caret.line}, column {caret.column}
          {syntaxError ? '' : ' · valid JSON'}
        </span>
      </div>
      {hint ? (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <div id={errorId} aria-live="polite" className="space-y-1 text-xs text-red-700">
        {syntaxError ? (
          <p>
            <button
              type="button"
              onClick={() => goTo(syntaxError.offset)}
              className="font-semibold underline decoration-dotted underline-offset-2 hover:text-red-900"
              title="Move the cursor there"
            >
              Line {syntaxError.line}, column {syntaxError.column}
            </button>
            : {syntaxError.message}
          </p>
        ) : null}
        {external.map((e) => (
          <p key={e}>{e}</p>
        ))}
      </div>
    </div>
  );
}
