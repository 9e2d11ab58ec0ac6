import { Alert } from '@/components/ui/alert';
import { SelectField, TextField } from '@/components/ui/form';
import { FormSection } from '@/components/ui/form-section';
import { RadioCards } from '@/components/ui/radio';

import type { FieldControls } from './form-fields';
import { RoleAliasField } from './role-alias-field';

export interface TemplateOption {
  id: string;
  title: string;
  summary: string;
  broad: boolean;
  document: string;
}

/** Which policy the certificate gets: a new one from a template, or an existing one. */
export function PolicySection({
  fields,
  set,
  text,
  errors,
  templates,
  policies,
  roleAliases,
}: FieldControls & { templates: TemplateOption[]; policies: string[]; roleAliases: string[] }) {
  const template = templates.find((t) => t.id === fields.templateId);
  return (
    <FormSection title="Policy" description="What the device may do once connected.">
      <RadioCards
        name="policyMode"
        legend="Which policy is attached to the certificate?"
        value={fields.policyMode}
        options={[
          {
            value: 'template',
            label: 'A new policy from a template',
            hint: 'Created for this device by this run.',
          },
          { value: 'existing', label: 'An existing policy', hint: 'Shared, for example one fleet-wide policy.' },
        ]}
        onChange={(v) => set('policyMode', v)}
      />
      {fields.policyMode === 'template' ? (
        <>
          <SelectField
            label="Template"
            options={templates.map((t) => ({ value: t.id, label: t.broad ? `${t.title} (broad)` : t.title }))}
            errors={errors('templateId')}
            hint={template?.summary}
            {...text('templateId')}
            name="templateId"
          />
          {template?.broad ? (
            <Alert tone="warning" title="A broad policy">
              Any device holding it can act as any other device. Prefer a thing-scoped template outside development.
            </Alert>
          ) : null}
          <TextField
            label="Policy name"
            autoComplete="off"
            maxLength={128}
            placeholder={fields.thingName ? `${fields.thingName}-policy` : '<thing name>-policy'}
            hint="Leave empty for <thing name>-policy."
            errors={errors('policyName')}
            {...text('policyName')}
            name="policyName"
          />
          {template ? (
            <details className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm">
              <summary className="cursor-pointer text-slate-700">Policy document</summary>
              <pre className="mt-2 overflow-x-auto text-xs text-slate-800">{template.document}</pre>
              <p className="mt-1 text-xs text-slate-500">
                The account id (*) is filled in from the thing’s ARN when the policy is created.
              </p>
            </details>
          ) : null}
        </>
      ) : (
        <SelectField
          label="Existing policy"
          options={[
            { value: '', label: policies.length ? 'Choose a policy…' : 'No policies yet' },
            ...policies.map((p) => ({ value: p, label: p })),
          ]}
          errors={errors('existingPolicyName')}
          {...text('existingPolicyName')}
          name="existingPolicyName"
        />
      )}
      <RoleAliasField
        aliases={roleAliases}
        policyMode={fields.policyMode}
        value={fields.roleAlias}
        onChange={(v) => set('roleAlias', v)}
        errors={errors('roleAlias')}
      />
    </FormSection>
  );
}
