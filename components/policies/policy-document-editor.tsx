'use client';

import { useMemo } from 'react';

import { cn } from '@/components/ui/cn';
import { JsonEditor } from '@/components/ui/json-editor';
import { parseJson } from '@/lib/json/parse';
import { lintPolicyDocument, type LintWarning } from '@/lib/policies/lint';
import { MAX_POLICY_DOCUMENT_CHARS, policyDocumentSize } from '@/lib/validation/iot-names';
import { parsePolicyDocument, type PolicyProblem } from '@/lib/validation/policy-document';

const where = (p: { path: string; message: string }) => (p.path ? `${p.path}: ${p.message}` : p.message);

/**
 * The policy document editor: the generic JSON editor, AWS IoT's own validation as it is typed (the same
 * rules CreatePolicy applies, from lib/validation/policy-document.ts), the size against AWS's 2,048
 * characters, and the linter's advice beside it. Advice never blocks saving.
 */
export function PolicyDocumentEditor({
  name = 'document',
  label = 'Policy document',
  value,
  onChange,
  serverErrors,
  rows = 20,
}: {
  name?: string;
  label?: string;
  value: string;
  onChange: (value: string) => void;
  /** Errors the server returned for this document (shown until the document is edited). */
  serverErrors?: readonly string[];
  rows?: number;
}) {
  const analysis = useMemo(() => {
    const syntaxOk = parseJson(value).ok;
    const aws = parsePolicyDocument(value);
    const problems: PolicyProblem[] = syntaxOk && !aws.ok ? aws.errors : [];
    const advice: Array<LintWarning | (PolicyProblem & { rule?: undefined })> = syntaxOk
      ? [...aws.warnings, ...lintPolicyDocument(value)]
      : [];
    return { problems, advice, size: policyDocumentSize(value) };
  }, [value]);

  const errors = [
    ...analysis.problems.map(where),
    ...(serverErrors ?? []).filter((e) => !analysis.problems.some((p) => e.includes(p.message))),
  ];
  const over = analysis.size > MAX_POLICY_DOCUMENT_CHARS;

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_18rem]">
      <JsonEditor
        name={name}
        label={label}
        value={value}
        onChange={onChange}
        errors={errors}
        rows={rows}
        hint={
          <>
            <span className={cn(over && 'font-semibold text-red-700')}>
              {analysis.size.toLocaleString('en-US')} of {MAX_POLICY_DOCUMENT_CHARS.toLocaleString('en-US')} characters
            </span>{' '}
            (AWS IoT counts without white space). Policy variables such as {'${iot:Connection.Thing.ThingName}'} need
            &quot;Version&quot;: &quot;2012-10-17&quot;.
          </>
        }
      />
      <section aria-label="Policy advice" className="space-y-2 text-sm">
        <h3 className="text-sm font-semibold text-slate-800">Advice</h3>
        <div aria-live="polite">
          {analysis.advice.length === 0 ? (
            <p className="text-xs text-slate-500">
              {analysis.problems.length || !parseJson(value).ok
                ? 'Advice appears once AWS IoT would accept the document.'
                : 'Nothing over-broad found: each grant is scoped.'}
            </p>
          ) : (
            <ul className="space-y-2">
              {analysis.advice.map((w, i) => (
                <li
                  // biome-ignore lint/suspicious/noArrayIndexKey: advice is recomputed as a whole on each edit.
                  key={`${w.path}-${i}`}
                  className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-xs text-amber-950"
                >
                  {w.path ? <p className="font-mono text-[0.7rem] text-amber-800">{w.path}</p> : null}
                  <p>{w.message}</p>
                </li>
              ))}
            </ul>
          )}
          {analysis.advice.length > 0 ? (
            <p className="mt-2 text-xs text-slate-500">
              Advice only: AWS IoT accepts the document as it is, and you can save it.
            </p>
          ) : null}
        </div>
      </section>
    </div>
  );
}
