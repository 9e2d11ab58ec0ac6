'use client';

import { useActionState, useMemo, useState } from 'react';

import { createTemplateAction } from '@/app/(console)/provisioning/actions';
import { FormMessage, SubmitButton, TextField } from '@/components/ui/form';
import { JsonEditor } from '@/components/ui/json-editor';
import { RadioCards } from '@/components/ui/radio';
import { idle, type ActionState } from '@/lib/forms/action-state';
import { claimPolicyDocument } from '@/lib/provisioning/claim-policy';
import { type PresetKind, PRESETS, presetTemplate } from '@/lib/provisioning/presets';
import { checkFleetTemplate } from '@/lib/provisioning/template-check';
import { LOCAL_PROVISIONING_ROLE_ARN } from '@/lib/provisioning/template-form';
import { MAX_PROVISIONING_TEMPLATE_BODY_CHARS } from '@/lib/validation/iot-names';

import { TemplateCheckView } from './template-check-view';

type Start = PresetKind | 'scratch';

const START_OPTIONS: readonly { value: Start; label: string; hint: string }[] = [
  ...PRESETS.map((p) => ({ value: p.kind, label: p.label, hint: p.description })),
  { value: 'scratch', label: 'From scratch', hint: 'Write the template yourself in the JSON editor.' },
];

/**
 * A new fleet provisioning template: a preset (claim with serial number, thing group and policy; trusted user)
 * or a body written from scratch, checked as it is typed by the same rules the local IoT Core applies, with the
 * least-privilege claim policy the template will get shown before it is created.
 */
export function CreateTemplateForm({ mode, region }: { mode: 'local' | 'aws'; region: string }) {
  const [state, create] = useActionState<ActionState, FormData>(createTemplateAction, idle());
  const v = state.values ?? {};
  const [name, setName] = useState(v.name ?? '');
  const [start, setStart] = useState<Start>('claim');
  const [prefix, setPrefix] = useState('');
  const [group, setGroup] = useState('');
  const [policy, setPolicy] = useState('');
  const [edited, setEdited] = useState<string | undefined>(v.body);

  const presetBody = useMemo(
    () =>
      start === 'scratch'
        ? undefined
        : presetTemplate({
            kind: start,
            templateName: name || 'template',
            thingNamePrefix: prefix,
            thingGroup: group,
            policyName: policy,
            region,
          }),
    [start, name, prefix, group, policy, region],
  );
  const body = edited ?? presetBody ?? '';
  const check = useMemo(() => (body.trim() ? checkFleetTemplate(body) : undefined), [body]);
  const claimPolicy = useMemo(
    () => (/^[0-9A-Za-z_-]{1,36}$/.test(name) ? claimPolicyDocument({ templateName: name, region }) : undefined),
    [name, region],
  );

  return (
    <form action={create} className="space-y-6">
      <TextField
        name="name"
        label="Template name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        errors={state.fieldErrors?.name}
        hint="1–36 letters, digits, - and _. Devices name it in their RegisterThing topic."
      />
      <TextField
        name="description"
        label="Description (optional)"
        defaultValue={v.description ?? ''}
        errors={state.fieldErrors?.description}
      />
      <RadioCards
        name="start"
        legend="Start from"
        value={start}
        options={START_OPTIONS}
        onChange={(value) => {
          setStart(value);
          setEdited(value === 'scratch' ? (edited ?? presetBody ?? '') : undefined);
        }}
      />
      {start !== 'scratch' ? (
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField
            name="thingNamePrefix"
            label="Thing name prefix"
            value={prefix}
            onChange={(e) => {
              setPrefix(e.target.value);
              setEdited(undefined);
            }}
            hint="The thing is named prefix + SerialNumber."
          />
          <TextField
            name="thingGroup"
            label="Thing group (optional)"
            value={group}
            onChange={(e) => {
              setGroup(e.target.value);
              setEdited(undefined);
            }}
            hint="An existing group every device joins."
          />
          <TextField
            name="policyName"
            label="Device policy (optional)"
            value={policy}
            onChange={(e) => {
              setPolicy(e.target.value);
              setEdited(undefined);
            }}
            hint="An existing policy; empty: an inline policy scoped to the device's own thing."
          />
        </div>
      ) : null}
      <JsonEditor
        name="body"
        label="Provisioning template"
        value={body}
        onChange={setEdited}
        rows={18}
        errors={state.fieldErrors?.body}
        hint={`At most ${MAX_PROVISIONING_TEMPLATE_BODY_CHARS.toLocaleString('en-US')} characters. Editing the body by hand keeps your text; changing a preset field above starts again from the preset.`}
      />
      <TemplateCheckView check={check} />
      {mode === 'local' ? (
        <p className="text-sm text-slate-600">
          Role: the local IoT Core needs no real role; the placeholder{' '}
          <code className="font-mono text-xs">{LOCAL_PROVISIONING_ROLE_ARN}</code> is used.
        </p>
      ) : (
        <TextField
          name="roleArn"
          label="Provisioning role ARN"
          defaultValue={v.roleArn ?? ''}
          placeholder="arn:aws:iam::123456789012:role/FleetProvisioningRole"
          errors={state.fieldErrors?.roleArn}
          hint="A role that trusts iot.amazonaws.com with the AWSIoTThingsRegistration managed policy."
        />
      )}
      <TextField
        name="hookArn"
        label="Pre-provisioning hook (optional)"
        defaultValue={v.hookArn ?? ''}
        placeholder="arn:aws:lambda:us-east-1:123456789012:function:check-device"
        errors={state.fieldErrors?.hookArn}
        hint="A Lambda function AWS IoT asks before each device is provisioned (payload version 2020-04-01). The local IoT Core calls the HTTP endpoint IOT_EMULATOR_LAMBDA_ENDPOINTS maps it to."
      />
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          name="enabled"
          value="on"
          defaultChecked={v.enabled !== ''}
          className="accent-indigo-600"
        />
        Enabled: devices may provision with it as soon as it is created
      </label>
      {claimPolicy ? (
        <details className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm" open>
          <summary className="cursor-pointer font-medium">
            Claim policy {name}-ClaimPolicy (created with the template)
          </summary>
          <p className="mt-2 text-slate-600">
            Claim certificates get this policy: they may connect and use this template&apos;s fleet provisioning topics,
            nothing else.
          </p>
          <pre className="mt-2 overflow-x-auto font-mono text-xs">
            {JSON.stringify(JSON.parse(claimPolicy), null, 2)}
          </pre>
        </details>
      ) : null}
      <div className="flex gap-2">
        <SubmitButton pendingLabel="Creating…" disabled={!body.trim() || Boolean(check?.problems.length)}>
          Create template
        </SubmitButton>
      </div>
      <FormMessage state={state} />
    </form>
  );
}
