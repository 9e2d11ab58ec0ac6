'use client';

import { useActionState, useMemo, useState } from 'react';

import { createPolicyAction } from '@/app/(console)/policies/new/actions';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { FormMessage, SubmitButton, TextField } from '@/components/ui/form';
import { idle } from '@/lib/forms/action-state';
import { policyNameProblem } from '@/lib/policies/names';
import {
  defaultParams,
  findTemplate,
  POLICY_TEMPLATES,
  renderTemplate,
  validateParams,
  type TemplateContext,
} from '@/lib/policies/templates';

import { PolicyDocumentEditor } from './policy-document-editor';

const BLANK = 'blank';

const BLANK_DOCUMENT = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "iot:Connect",
      "Resource": "arn:aws:iot:REGION:ACCOUNT:client/\${iot:Connection.Thing.ThingName}"
    }
  ]
}`;

function blankDocument(ctx: TemplateContext): string {
  return BLANK_DOCUMENT.replace('REGION', ctx.region).replace('ACCOUNT', ctx.accountId);
}

/** Create a policy: pick a template (or start blank), adjust it in the editor, name it, create it. */
export function CreatePolicyForm({ ctx, accountKnown }: { ctx: TemplateContext; accountKnown: boolean }) {
  const [state, formAction] = useActionState(createPolicyAction, idle());
  const first = POLICY_TEMPLATES[0]!;
  const [templateId, setTemplateId] = useState(first.id);
  const [params, setParams] = useState<Record<string, string>>(defaultParams(first));
  const [rendered, setRendered] = useState(() => renderTemplate(first, ctx));
  const [document, setDocument] = useState(rendered);
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);

  const template = findTemplate(templateId);
  const paramProblems = useMemo(() => (template ? validateParams(template, params) : {}), [template, params]);
  const edited = document !== rendered;

  /** Puts a template's document in the editor, unless the operator's own edits would be lost. */
  const load = (id: string, nextParams: Record<string, string>, force: boolean) => {
    const t = findTemplate(id);
    const text = t ? renderTemplate(t, ctx, nextParams) : blankDocument(ctx);
    if (t && Object.keys(validateParams(t, nextParams)).length > 0) return;
    if (force || !edited) {
      setDocument(text);
      setRendered(text);
    }
  };

  const chooseTemplate = (id: string) => {
    setTemplateId(id);
    const t = findTemplate(id);
    const next = t ? defaultParams(t) : {};
    setParams(next);
    load(id, next, false);
  };

  const setParam = (key: string, value: string) => {
    const next = { ...params, [key]: value };
    setParams(next);
    load(templateId, next, false);
  };

  const nameLive = nameTouched ? policyNameProblem(name.trim()) : undefined;
  const nameErrors =
    state.values?.name === name && state.fieldErrors?.name ? state.fieldErrors.name : nameLive ? [nameLive] : undefined;
  const documentServerErrors = state.values?.document === document ? state.fieldErrors?.document : undefined;

  return (
    <form action={formAction} className="space-y-8" noValidate>
      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-900">Start from</legend>
        <p className="text-xs text-slate-500">
          ARNs use region <span className="font-mono">{ctx.region}</span> and account{' '}
          <span className="font-mono">{ctx.accountId}</span>
          {accountKnown
            ? ' (read from the ARN of an existing resource).'
            : ': no resource exists yet to read the account id from, so the account position is a wildcard, which AWS IoT accepts.'}
        </p>
        <div className="grid gap-2 md:grid-cols-2">
          {[
            ...POLICY_TEMPLATES,
            {
              id: BLANK,
              title: 'Write your own',
              summary: 'A minimal document to edit by hand.',
              broad: false,
              source: undefined,
            },
          ].map((t) => (
            <label
              key={t.id}
              className={cn(
                'flex cursor-pointer gap-3 rounded-lg border bg-white p-3 text-sm shadow-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500',
                templateId === t.id
                  ? 'border-indigo-500 ring-1 ring-indigo-500'
                  : 'border-slate-200 hover:border-slate-300',
              )}
            >
              <input
                type="radio"
                name="template"
                value={t.id}
                checked={templateId === t.id}
                onChange={() => chooseTemplate(t.id)}
                className="mt-1"
              />
              <span className="space-y-1">
                <span className="flex items-center gap-2 font-medium text-slate-900">
                  {t.title}
                  {t.broad ? (
                    <span className="rounded bg-amber-100 px-1.5 py-0.5 text-[0.7rem] font-semibold text-amber-900">
                      broad
                    </span>
                  ) : null}
                </span>
                <span className="block text-xs text-slate-600">{t.summary}</span>
                {t.source ? <span className="block text-[0.7rem] text-slate-500">From: {t.source}</span> : null}
              </span>
            </label>
          ))}
        </div>
        {template && template.params.length > 0 ? (
          <div className="grid max-w-xl gap-3">
            {template.params.map((p) => (
              <TextField
                key={`${template.id}-${p.name}`}
                name={`param-${p.name}`}
                label={p.label}
                hint={p.hint}
                value={params[p.name] ?? ''}
                onChange={(e) => setParam(p.name, e.target.value)}
                errors={paramProblems[p.name] ? [paramProblems[p.name]!] : undefined}
                autoComplete="off"
              />
            ))}
          </div>
        ) : null}
        {edited ? (
          <div className="flex flex-wrap items-center gap-3 text-xs text-slate-600">
            <span>You edited the document, so choosing a template no longer replaces it.</span>
            <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => load(templateId, params, true)}>
              Replace with the selected template
            </Button>
          </div>
        ) : null}
      </fieldset>

      <div className="max-w-xl">
        <TextField
          name="name"
          label="Policy name"
          hint="Letters, digits and _ + = , . @ - (up to 128). A name cannot be changed later."
          value={name}
          onChange={(e) => setName(e.target.value)}
          onBlur={() => setNameTouched(true)}
          errors={nameErrors}
          autoComplete="off"
          required
        />
      </div>

      <PolicyDocumentEditor value={document} onChange={setDocument} serverErrors={documentServerErrors} />

      <div className="space-y-3">
        <FormMessage state={state} />
        <SubmitButton pendingLabel="Creating…">Create policy</SubmitButton>
      </div>
    </form>
  );
}
