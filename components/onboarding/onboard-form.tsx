'use client';

import { startTransition, useActionState, useEffect, useRef, useState } from 'react';

import { validateOnboardingAction, type ValidatedRun } from '@/app/(console)/onboard/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { AttributeRowsEditor } from '@/components/things/attribute-rows-editor';
import { FormMessage, SelectField, TextField } from '@/components/ui/form';
import { FormSection } from '@/components/ui/form-section';
import { PemField } from '@/components/ui/pem-field';
import { RadioCards } from '@/components/ui/radio';
import { useToast } from '@/components/ui/toast';
import { bundleFileName, bundleFiles, zipBundle } from '@/lib/bundle';
import { idle, type ActionState } from '@/lib/forms/action-state';
import { runOnboarding, type RunView } from '@/lib/onboarding/run';
import { CREDENTIAL_MODES, type CredentialMode } from '@/lib/onboarding/types';
import { generateDeviceKeys, KEY_ALGORITHMS } from '@/lib/pki/browser-keys';
import { MAX_ATTRIBUTES_WITH_TYPE, MAX_ATTRIBUTES_WITHOUT_TYPE } from '@/lib/validation/iot-names';

import { saveBytes } from './download';
import { OnboardingSummary, type SummaryData } from './onboarding-summary';
import { RoleAliasField } from './role-alias-field';
import { RunPanel } from './run-panel';
import { STEPS } from './server-steps';
import { StepList } from './step-list';

export interface TemplateOption {
  id: string;
  title: string;
  summary: string;
  broad: boolean;
  document: string;
}

interface Fields {
  thingName: string;
  thingTypeName: string;
  thingGroupName: string;
  credentialMode: CredentialMode;
  keyAlgorithm: string;
  certificatePem: string;
  caCertificatePem: string;
  csrPem: string;
  policyMode: 'template' | 'existing';
  templateId: string;
  policyName: string;
  existingPolicyName: string;
  roleAlias: string;
}

const INITIAL: Fields = {
  thingName: '',
  thingTypeName: '',
  thingGroupName: '',
  credentialMode: 'browser-key',
  keyAlgorithm: 'EC',
  certificatePem: '',
  caCertificatePem: '',
  csrPem: '',
  policyMode: 'template',
  templateId: 'thing-scoped',
  policyName: '',
  existingPolicyName: '',
  roleAlias: '',
};

/** The finished bundle, kept in this page's memory only, so "Download" can be pressed again. */
interface Finished {
  summary: SummaryData;
  zip: Uint8Array;
}

export function OnboardForm({
  thingTypes,
  thingGroups,
  policies,
  templates,
  roleAliases,
  listProblems,
}: {
  thingTypes: string[];
  thingGroups: string[];
  policies: string[];
  templates: TemplateOption[];
  roleAliases: string[];
  listProblems: string[];
}) {
  const toast = useToast();
  const [state, formAction, validating] = useActionState<ActionState<ValidatedRun>, FormData>(
    validateOnboardingAction,
    idle(),
  );
  const [fields, setFields] = useState<Fields>(INITIAL);
  const [run, setRun] = useState<RunView | undefined>();
  const [running, setRunning] = useState(false);
  const [finished, setFinished] = useState<Finished | undefined>();
  const started = useRef<string | undefined>(undefined);

  const set = <K extends keyof Fields>(key: K, value: Fields[K]) => setFields((f) => ({ ...f, [key]: value }));
  const text = (key: keyof Fields) => ({
    value: fields[key],
    onChange: (e: { target: { value: string } }) => set(key, e.target.value as never),
  });
  const errors = (key: string) => (state.status === 'invalid' ? state.fieldErrors?.[key] : undefined);

  // An accepted submit starts exactly one run, driven from here: one server action per AWS call.
  useEffect(() => {
    if (state.status !== 'success' || !state.data || started.current === state.data.runId) return;
    const { runId, plan, connection, credentialsProvider } = state.data;
    started.current = runId;
    setFinished(undefined);
    setRunning(true);
    void (async () => {
      try {
        const outcome = await runOnboarding(plan, STEPS, { generateKeys: generateDeviceKeys, onProgress: setRun });
        if (!outcome.ok) {
          toast(`Onboarding failed at: ${outcome.view.failure?.stepLabel ?? 'a step'}`, 'error');
          return;
        }
        const r = outcome.result;
        const telemetryTopic = `${r.thingName}/telemetry`;
        // The bundle is built here, in the browser; the private key goes into it and nowhere else.
        const files = bundleFiles({
          thingName: r.thingName,
          endpoint: connection.endpoint,
          port: connection.port,
          mode: connection.mode,
          region: connection.region,
          certificateId: r.certificateId,
          certificatePem: r.certificatePem,
          ...(r.privateKeyPem ? { privateKeyPem: r.privateKeyPem } : {}),
          ...(r.publicKeyPem ? { publicKeyPem: r.publicKeyPem } : {}),
          rootCa: connection.rootCa,
          policyName: r.policyName,
          topics: { telemetry: telemetryTopic },
          ...(credentialsProvider ? { credentialsProvider } : {}),
          createdAt: new Date(),
        });
        const zip = zipBundle(files);
        const fileName = bundleFileName(r.thingName);
        setFinished({
          zip,
          summary: {
            thingName: r.thingName,
            certificateId: r.certificateId,
            policyName: r.policyName,
            telemetryTopic,
            fileName,
            hasPrivateKey: Boolean(r.privateKeyPem),
            connection,
            ...(credentialsProvider ? { credentialsProvider } : {}),
          },
        });
        saveBytes(zip, fileName, 'application/zip');
        toast(`${r.thingName} onboarded; ${fileName} is downloading.`);
      } finally {
        setRunning(false);
      }
    })();
  }, [state, toast]);

  const reset = () => {
    setFinished(undefined);
    setRun(undefined);
    setFields(INITIAL);
  };

  if (finished) {
    return (
      <div className="space-y-6">
        <OnboardingSummary
          data={finished.summary}
          onDownload={() => saveBytes(finished.zip, finished.summary.fileName, 'application/zip')}
          onReset={reset}
        />
        {run ? <StepList view={run} /> : null}
      </div>
    );
  }

  const maxAttributes = fields.thingTypeName ? MAX_ATTRIBUTES_WITH_TYPE : MAX_ATTRIBUTES_WITHOUT_TYPE;
  const template = templates.find((t) => t.id === fields.templateId);

  return (
    <div className="grid gap-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
      <form
        action={formAction}
        // Submitted by hand so React does not reset the (controlled) form after the action, and the run can
        // keep what the operator typed for a retry.
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          startTransition(() => formAction(data));
        }}
        className="space-y-6"
        aria-label="Onboard a device"
        noValidate
      >
        {listProblems.length ? (
          <Alert tone="warning" title="Some lists could not be loaded">
            {listProblems[0]} The pickers below may be incomplete.
          </Alert>
        ) : null}
        <fieldset disabled={running || validating} className="space-y-6">
          <FormSection title="Device" description="The thing: the device’s entry in the AWS IoT registry.">
            <TextField
              label="Thing name"
              autoComplete="off"
              required
              maxLength={128}
              hint="Letters, digits, : _ - (up to 128). It is also the device’s MQTT client id (and the common name of a CSR made here), and cannot be changed later."
              errors={errors('thingName')}
              {...text('thingName')}
              name="thingName"
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <SelectField
                label="Thing type (optional)"
                options={[{ value: '', label: 'None' }, ...thingTypes.map((t) => ({ value: t, label: t }))]}
                errors={errors('thingTypeName')}
                hint={thingTypes.length ? undefined : 'No thing types yet.'}
                {...text('thingTypeName')}
                name="thingTypeName"
              />
              <SelectField
                label="Thing group (optional)"
                options={[{ value: '', label: 'None' }, ...thingGroups.map((g) => ({ value: g, label: g }))]}
                errors={errors('thingGroupName')}
                hint={thingGroups.length ? undefined : 'No thing groups yet.'}
                {...text('thingGroupName')}
                name="thingGroupName"
              />
            </div>
            <AttributeRowsEditor
              initialRows={[]}
              fieldErrors={state.status === 'invalid' ? state.fieldErrors : undefined}
              legend="Attributes (optional)"
              hint={`Searchable name=value pairs, for example site=factory-1. At most ${maxAttributes}${fields.thingTypeName ? '' : ' without a thing type'}.`}
            />
          </FormSection>

          <FormSection
            title="Credentials"
            description="The X.509 certificate the device presents, and where its private key comes from."
          >
            <RadioCards
              name="credentialMode"
              legend="How does the device get its certificate?"
              value={fields.credentialMode}
              options={CREDENTIAL_MODES}
              onChange={(v) => set('credentialMode', v)}
              errors={errors('credentialMode')}
            />
            {fields.credentialMode === 'browser-key' ? (
              <SelectField
                label="Key algorithm"
                options={KEY_ALGORITHMS}
                errors={errors('keyAlgorithm')}
                {...text('keyAlgorithm')}
                name="keyAlgorithm"
              />
            ) : null}
            {fields.credentialMode === 'own-certificate' ? (
              <>
                <PemField
                  name="certificatePem"
                  label="Device certificate (PEM)"
                  uploadLabel="Upload device certificate (PEM) file"
                  hint="-----BEGIN CERTIFICATE----- … Registered without a CA (RegisterCertificateWithoutCA) unless you give its CA below."
                  value={fields.certificatePem}
                  onText={(v) => set('certificatePem', v)}
                  errors={errors('certificatePem')}
                />
                <PemField
                  name="caCertificatePem"
                  label="CA certificate (PEM, optional)"
                  uploadLabel="Upload CA certificate (PEM) file"
                  hint="Only for a certificate signed by a CA registered in AWS IoT (RegisterCertificate)."
                  value={fields.caCertificatePem}
                  onText={(v) => set('caCertificatePem', v)}
                  errors={errors('caCertificatePem')}
                />
              </>
            ) : null}
            {fields.credentialMode === 'own-csr' ? (
              <PemField
                name="csrPem"
                label="Certificate signing request (PEM)"
                uploadLabel="Upload certificate signing request (PEM) file"
                kind="csr"
                hint="-----BEGIN CERTIFICATE REQUEST----- … made on the device, for example with openssl req -new."
                value={fields.csrPem}
                onText={(v) => set('csrPem', v)}
                errors={errors('csrPem')}
              />
            ) : null}
          </FormSection>

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
                    Any device holding it can act as any other device. Prefer a thing-scoped template outside
                    development.
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
        </fieldset>

        <div className="flex items-center gap-3">
          <Button type="submit" disabled={running || validating} aria-disabled={running || validating}>
            {validating ? 'Checking…' : running ? 'Onboarding…' : 'Onboard device'}
          </Button>
          <span className="text-xs text-slate-500">Everything is checked before anything is created.</span>
        </div>
        {state.status === 'invalid' || state.status === 'failed' ? <FormMessage state={state} /> : null}
      </form>

      <RunPanel run={run} />
    </div>
  );
}
