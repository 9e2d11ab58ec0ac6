'use client';

import { startTransition, useActionState, useEffect, useRef, useState } from 'react';

import { recordBundleDownload, validateOnboardingAction, type ValidatedRun } from '@/app/(console)/onboard/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { AttributeRowsEditor } from '@/components/things/attribute-rows-editor';
import { FormMessage, SelectField, TextField } from '@/components/ui/form';
import { FormSection } from '@/components/ui/form-section';
import { useToast } from '@/components/ui/toast';
import { bundleFileName, bundleFiles, zipBundle } from '@/lib/bundle';
import { idle, type ActionState } from '@/lib/forms/action-state';
import { runOnboarding, type RunView } from '@/lib/onboarding/run';
import { generateDeviceKeys } from '@/lib/pki/browser-keys';
import { MAX_ATTRIBUTES_WITH_TYPE, MAX_ATTRIBUTES_WITHOUT_TYPE } from '@/lib/validation/iot-names';

import { saveBytes } from './download';
import { CredentialsSection } from './credentials-section';
import { type FieldControls, INITIAL_FIELDS, type OnboardFields } from './form-fields';
import { OnboardingSummary, type SummaryData } from './onboarding-summary';
import { PolicySection, type TemplateOption } from './policy-section';
import { RunPanel } from './run-panel';
import { STEPS } from './server-steps';
import { StepList } from './step-list';

/** The finished bundle, kept in this page's memory only, so "Download" can be pressed again. */
interface Finished {
  summary: SummaryData;
  zip: Uint8Array;
}

export function OnboardForm({
  thingTypes,
  thingGroups,
  policies,
  roleAliases,
  templates,
  listProblems,
}: {
  thingTypes: string[];
  thingGroups: string[];
  policies: string[];
  roleAliases: string[];
  templates: TemplateOption[];
  listProblems: string[];
}) {
  const toast = useToast();
  const [state, formAction, validating] = useActionState<ActionState<ValidatedRun>, FormData>(
    validateOnboardingAction,
    idle(),
  );
  const [fields, setFields] = useState<OnboardFields>(INITIAL_FIELDS);
  const [run, setRun] = useState<RunView | undefined>();
  const [running, setRunning] = useState(false);
  const [finished, setFinished] = useState<Finished | undefined>();
  const started = useRef<string | undefined>(undefined);

  const set = <K extends keyof OnboardFields>(key: K, value: OnboardFields[K]) =>
    setFields((f) => ({ ...f, [key]: value }));
  const text = (key: keyof OnboardFields) => ({
    value: fields[key],
    onChange: (e: { target: { value: string } }) => set(key, e.target.value as never),
  });
  const errors = (key: string) => (state.status === 'invalid' ? state.fieldErrors?.[key] : undefined);
  const controls: FieldControls = { fields, set, text, errors };

  // An accepted submit starts exactly one run, driven from here: one server action per AWS call.
  useEffect(() => {
    if (state.status !== 'success' || !state.data || started.current === state.data.runId) return;
    const { runId, plan, connection, publishTopic, credentialsProvider } = state.data;
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
        // The topic the chosen policy lets this device publish to (not a fixed `<thing>/telemetry`).
        const telemetryTopic = publishTopic;
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
        // The file is made here, so the server is told it was saved (the audit trail's "bundle downloaded").
        void recordBundleDownload({
          thingName: r.thingName,
          certificateId: r.certificateId,
          withPrivateKey: Boolean(r.privateKeyPem),
        }).catch(() => undefined);
        toast(`${r.thingName} onboarded; ${fileName} is downloading.`);
      } finally {
        setRunning(false);
      }
    })();
  }, [state, toast]);

  const reset = () => {
    setFinished(undefined);
    setRun(undefined);
    setFields(INITIAL_FIELDS);
  };

  if (finished) {
    return (
      <div className="space-y-6">
        <OnboardingSummary
          data={finished.summary}
          onDownload={() => {
            saveBytes(finished.zip, finished.summary.fileName, 'application/zip');
            void recordBundleDownload({
              thingName: finished.summary.thingName,
              certificateId: finished.summary.certificateId,
              withPrivateKey: finished.summary.hasPrivateKey,
            }).catch(() => undefined);
          }}
          onReset={reset}
        />
        {run ? <StepList view={run} /> : null}
      </div>
    );
  }

  const maxAttributes = fields.thingTypeName ? MAX_ATTRIBUTES_WITH_TYPE : MAX_ATTRIBUTES_WITHOUT_TYPE;

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

          <CredentialsSection {...controls} />

          <PolicySection {...controls} templates={templates} policies={policies} roleAliases={roleAliases} />
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
