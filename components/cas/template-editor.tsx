'use client';

import { useActionState, useMemo, useState } from 'react';

import { removeTemplateAction, saveTemplateAction, type CaUpdateState } from '@/app/(console)/cas/actions';
import { useActionToast } from '@/components/ui/use-action-toast';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { FormMessage, SubmitButton, TextField } from '@/components/ui/form';
import { JsonEditor } from '@/components/ui/json-editor';
import { idle } from '@/lib/forms/action-state';
import { defaultJitpTemplate } from '@/lib/provisioning/default-template';

import { checkJitpTemplate, JITP_PARAMETERS, LOCAL_PLACEHOLDER_ROLE_ARN, MAX_TEMPLATE_LENGTH } from './jitp-template';

/**
 * The CA's JITP provisioning template (registrationConfig.templateBody): a JSON editor that lists the parameters
 * JITP fills from the device certificate, checks the template as it is typed (JSON, resource types, declared
 * parameters, inline policies), offers the dashboard's default, and saves with the role AWS needs.
 */
export function TemplateEditor({
  caId,
  templateBody,
  roleArn,
  mode,
}: {
  caId: string;
  templateBody: string | undefined;
  roleArn: string | undefined;
  mode: 'local' | 'aws';
}) {
  const [body, setBody] = useState(templateBody ?? '');
  const [state, save] = useActionState<CaUpdateState, FormData>(saveTemplateAction, idle());
  const [removeState, remove] = useActionState<CaUpdateState, FormData>(removeTemplateAction, idle());
  useActionToast(state);
  useActionToast(removeState);
  const check = useMemo(() => (body.trim() ? checkJitpTemplate(body) : undefined), [body]);
  const serverErrors = state.fieldErrors?.templateBody;
  const local = mode === 'local';

  return (
    <div className="space-y-4">
      <form action={save} className="space-y-4">
        <input type="hidden" name="caCertificateId" value={caId} />
        <JsonEditor
          name="templateBody"
          label="Provisioning template"
          value={body}
          onChange={setBody}
          rows={16}
          errors={serverErrors}
          hint={`At most ${MAX_TEMPLATE_LENGTH.toLocaleString('en-US')} characters. Resources: AWS::IoT::Thing, AWS::IoT::Certificate, AWS::IoT::Policy.`}
          toolbar={
            <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => setBody(defaultJitpTemplate())}>
              Use the default template
            </Button>
          }
        />
        {check && (check.problems.length > 0 || check.warnings.length > 0) ? (
          <div aria-live="polite" className="space-y-1 text-sm">
            {check.problems.map((p) => (
              <p key={p} className="text-red-700">
                {p}
              </p>
            ))}
            {check.warnings.map((w) => (
              <p key={w} className="text-amber-800">
                Note: {w}
              </p>
            ))}
          </div>
        ) : check ? (
          <p aria-live="polite" className="text-sm text-emerald-800">
            Template looks right: JSON, resource types and parameters check out.
          </p>
        ) : null}
        {local ? (
          <div className="text-sm text-slate-600">
            <input type="hidden" name="roleArn" value={roleArn ?? LOCAL_PLACEHOLDER_ROLE_ARN} />
            Role: AWS requires a role AWS IoT assumes to run the template. The local IoT Core needs no real role, so the
            placeholder <code className="font-mono text-xs">{roleArn ?? LOCAL_PLACEHOLDER_ROLE_ARN}</code> is used.
          </div>
        ) : (
          <TextField
            name="roleArn"
            label="Role ARN"
            defaultValue={state.values?.roleArn ?? roleArn ?? ''}
            placeholder="arn:aws:iam::123456789012:role/JITPRole"
            errors={state.fieldErrors?.roleArn}
            hint="An IAM role AWS IoT may assume (trust iot.amazonaws.com) with the AWSIoTThingsRegistration managed policy: JITP creates the thing and policy with it."
          />
        )}
        <div className="flex flex-wrap gap-2">
          <SubmitButton pendingLabel="Saving…" disabled={!body.trim() || Boolean(check?.problems.length)}>
            Save template
          </SubmitButton>
        </div>
        <FormMessage state={state} />
      </form>
      {templateBody ? (
        <form action={remove} className="space-y-2">
          <input type="hidden" name="caCertificateId" value={caId} />
          <SubmitButton variant="secondary" pendingLabel="Removing…">
            Remove template
          </SubmitButton>
          <FormMessage state={removeState} />
        </form>
      ) : null}
      <details className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm">
        <summary className="cursor-pointer font-medium">Parameters JITP fills from the device certificate</summary>
        <p className="mt-2 text-slate-600">
          Declare each one you use under Parameters (<code className="font-mono text-xs">{'{"Type": "String"}'}</code>)
          and refer to it with <code className="font-mono text-xs">{'{"Ref": "…"}'}</code>.
        </p>
        <ul className="mt-2 space-y-1">
          {JITP_PARAMETERS.map((p) => (
            <li key={p.name} className="flex items-center gap-2">
              <code className="font-mono text-xs">{p.name}</code>
              <CopyButton text={p.name} label={`Copy ${p.name.replace('AWS::IoT::Certificate::', '')}`} />
              <span className="text-slate-600">{p.description}</span>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
