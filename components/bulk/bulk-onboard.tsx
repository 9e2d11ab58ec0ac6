'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useMemo, useRef, useState } from 'react';

import {
  addBulkDevices,
  createBulkJob,
  previewBulkAction,
  startBulkJob,
  validateBulkOptionsAction,
  type PreviewData,
  type ValidatedOptions,
} from '@/app/(console)/bulk/actions';
import { Alert } from '@/components/ui/alert';
import { FormMessage, SelectField, SubmitButton, TextField } from '@/components/ui/form';
import { useToast } from '@/components/ui/toast';
import { startJobKeys, vaultAvailable } from '@/lib/onboarding/bulk/key-vault';
import type { BulkRow } from '@/lib/onboarding/bulk/rows';
import { DEVICE_BATCH } from '@/lib/onboarding/bulk/schema';
import { idle, type ActionState } from '@/lib/forms/action-state';

import { DeviceSourceFields } from './device-source-fields';
import { makeKeys } from './keygen';
import { PreviewTable } from './preview-table';
import { ProgressBar } from './progress-bar';
import { RateLimitFields } from './rate-limit-fields';
import { FormSection } from '@/components/ui/form-section';
import { RadioCard } from '@/components/ui/radio';
import { useLeaveWarning } from './use-leave-warning';

export interface TemplateOption {
  id: string;
  title: string;
  summary: string;
}

type Phase =
  | { kind: 'idle' }
  | { kind: 'keys'; done: number; total: number }
  | { kind: 'creating'; done: number; total: number }
  | { kind: 'error'; message: string };

export function BulkOnboard({
  policies,
  templates,
  listProblems,
}: {
  policies: string[];
  templates: TemplateOption[];
  listProblems: string[];
}) {
  const router = useRouter();
  const toast = useToast();
  const [preview, previewAction] = useActionState<ActionState<PreviewData>, FormData>(previewBulkAction, idle());
  const [optionsState, optionsAction] = useActionState<ActionState<ValidatedOptions>, FormData>(
    validateBulkOptionsAction,
    idle(),
  );
  const [excludeBad, setExcludeBad] = useState(false);
  const [policyMode, setPolicyMode] = useState<'template' | 'existing'>('template');
  const [jobName, setJobName] = useState(() => `bulk-${new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '')}`);
  const [policyName, setPolicyName] = useState('');
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const started = useRef<string | undefined>(undefined);

  const rows: BulkRow[] = useMemo(
    () => (preview.status === 'success' && preview.data ? preview.data.rows : []),
    [preview],
  );
  const bad = rows.filter((r) => r.errors.length).length;
  const chosen = excludeBad ? rows.filter((r) => r.errors.length === 0) : rows;
  const ready = rows.length > 0 && chosen.length > 0 && chosen.every((r) => r.errors.length === 0);
  const previewErrors = (k: string) => (preview.status === 'invalid' ? preview.fieldErrors?.[k] : undefined);
  const optionErrors = (k: string) => (optionsState.status === 'invalid' ? optionsState.fieldErrors?.[k] : undefined);
  const busy = phase.kind === 'keys' || phase.kind === 'creating';
  // Leaving now would stop the job half-made (the keys made so far are kept in this browser).
  useLeaveWarning(busy);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new preview resets the choice to exclude bad rows.
  useEffect(() => setExcludeBad(false), [preview]);

  // Options accepted: create the (empty) job, make its keys in the worker (each stored in this browser's key vault
  // as it is made), send the CSRs, start the job.
  useEffect(() => {
    if (optionsState.status !== 'success' || !optionsState.data || started.current === optionsState.data.optionsId)
      return;
    started.current = optionsState.data.optionsId;
    const options = optionsState.data.options;
    const devices = chosen;
    void (async () => {
      try {
        if (!(await vaultAvailable()))
          throw new Error(
            'Nothing was created: this browser cannot keep the keys (its storage, IndexedDB, is not available; a private window may block it). Use a normal window.',
          );
        setPhase({ kind: 'keys', done: 0, total: devices.length });
        const created = await createBulkJob(options, devices.length);
        if (!created.ok) throw new Error(created.message);
        const jobId = created.jobId;
        await startJobKeys(jobId);
        const csrs = await makeKeys(
          jobId,
          devices.map((d) => d.thingName),
          (done) => setPhase({ kind: 'keys', done, total: devices.length }),
        ).promise;
        setPhase({ kind: 'creating', done: 0, total: devices.length });
        for (let from = 0; from < devices.length; from += DEVICE_BATCH) {
          const batch = devices.slice(from, from + DEVICE_BATCH).map((d, i) => ({
            thingName: d.thingName,
            attributes: d.attributes,
            ...(d.thingTypeName ? { thingTypeName: d.thingTypeName } : {}),
            ...(d.thingGroupName ? { thingGroupName: d.thingGroupName } : {}),
            // The CSR only: the private key stays in this page.
            csrPem: csrs[from + i]!.csrPem,
          }));
          const added = await addBulkDevices({ jobId, from, devices: batch });
          if (!added.ok) throw new Error(added.message);
          setPhase({ kind: 'creating', done: Math.min(devices.length, from + DEVICE_BATCH), total: devices.length });
        }
        const start = await startBulkJob(jobId);
        if (!start.ok) throw new Error(start.message);
        toast(`Job started: ${devices.length} devices`, 'success');
        router.push(`/bulk/${jobId}`);
      } catch (err) {
        setPhase({ kind: 'error', message: err instanceof Error ? err.message : 'The job could not be created.' });
      }
    })();
  }, [optionsState, chosen, router, toast]);

  return (
    <div className="space-y-6">
      {listProblems.map((p) => (
        <Alert key={p} tone="warning" title="A list could not be loaded">
          {p}
        </Alert>
      ))}
      <form action={previewAction} className="space-y-6" aria-label="Device list">
        <FormSection
          title="1. The devices"
          description="A CSV (paste it or choose a file) or a name prefix and a count. Nothing is created until the list is checked and you start the job."
        >
          <DeviceSourceFields values={preview.values} errors={previewErrors} />
          <FormMessage state={preview} />
          <SubmitButton
            pendingLabel="Checking every row…"
            variant={rows.length ? 'secondary' : 'primary'}
            disabled={busy}
          >
            Check the list
          </SubmitButton>
        </FormSection>
      </form>

      {rows.length ? (
        <FormSection
          title="2. Preview"
          description={
            bad
              ? `${rows.length} devices, ${bad} with problems. Fix them in the list and check again, or leave them out.`
              : `${rows.length} devices, every row checked: names, repeats (and names whose folders in the zip would collide), attributes, and against AWS IoT (thing exists, type and group exist).`
          }
        >
          {bad ? (
            <label className="flex items-center gap-2 text-sm text-slate-800">
              <input
                type="checkbox"
                checked={excludeBad}
                onChange={(e) => setExcludeBad(e.target.checked)}
                className="accent-indigo-600"
              />
              Leave out the {bad} row{bad === 1 ? '' : 's'} with problems
            </label>
          ) : null}
          <PreviewTable rows={rows} excluded={excludeBad} />
        </FormSection>
      ) : null}

      {rows.length ? (
        <form action={optionsAction} className="space-y-6" aria-label="Job options">
          <FormSection title="3. Credentials, policy and limits">
            <div className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-700">
              <p className="font-medium text-slate-900">Keys are made in this browser (EC P-256)</p>
              <p className="mt-1">
                A worker in this page makes each device&apos;s key pair and CSR. Only the CSRs go to the server with the
                job. Each private key is kept in this browser&apos;s storage the moment it is made, encrypted under a
                key the browser will not export, until you download the job&apos;s zip and confirm you saved it: a
                reload or a closed tab loses nothing (open the job again from this browser). The job itself runs on the
                server.
              </p>
              <p className="mt-1">
                AWS-generated keys (CreateKeysAndCertificate) are not offered for bulk jobs: each private key would pass
                through the server and have to be held there for the whole run (a restart would lose it, leaving
                certificates without keys), while browser-made keys give the same result without a private key ever
                leaving this page.
              </p>
            </div>
            <TextField
              name="jobName"
              label="Job name"
              value={jobName}
              onChange={(e) => setJobName(e.target.value)}
              errors={optionErrors('jobName')}
            />
            <fieldset>
              <legend className="mb-2 text-sm font-medium text-slate-800">Policy for every certificate</legend>
              <div className="grid gap-2 sm:grid-cols-2">
                <RadioCard
                  name="policyMode"
                  value="template"
                  checked={policyMode === 'template'}
                  onChange={() => setPolicyMode('template')}
                  label="A new policy from a template"
                  hint="Made once for the whole job; devices are scoped by their own thing name."
                />
                <RadioCard
                  name="policyMode"
                  value="existing"
                  checked={policyMode === 'existing'}
                  onChange={() => setPolicyMode('existing')}
                  label="An existing policy"
                />
              </div>
            </fieldset>
            {policyMode === 'template' ? (
              <div className="grid gap-4 sm:grid-cols-2">
                <SelectField
                  name="templateId"
                  label="Template"
                  options={templates.map((t) => ({ value: t.id, label: t.title }))}
                  defaultValue="thing-scoped"
                />
                <TextField
                  name="policyName"
                  label="Policy name"
                  value={policyName || `${jobName}-policy`}
                  onChange={(e) => setPolicyName(e.target.value)}
                  errors={optionErrors('policyName')}
                />
              </div>
            ) : (
              <>
                <input type="hidden" name="templateId" value="thing-scoped" />
                <SelectField
                  name="existingPolicyName"
                  label="Policy"
                  options={[
                    { value: '', label: policies.length ? 'Choose a policy' : 'No policies yet' },
                    ...policies.map((p) => ({ value: p, label: p })),
                  ]}
                  errors={optionErrors('existingPolicyName')}
                />
              </>
            )}
            <RateLimitFields errors={optionErrors} />
            <FormMessage state={optionsState.status === 'success' ? idle() : optionsState} />
            {!ready ? (
              <p className="text-sm text-amber-800">
                {bad ? 'Fix the rows with problems or leave them out to go on.' : 'No devices to onboard.'}
              </p>
            ) : null}
            {phase.kind === 'keys' ? (
              <ProgressBar
                value={phase.done}
                max={phase.total}
                label={`Making keys and keeping them in this browser: ${phase.done} of ${phase.total}`}
              />
            ) : null}
            {phase.kind === 'creating' ? (
              <ProgressBar
                value={phase.done}
                max={phase.total}
                label={`Sending CSRs to the server: ${phase.done} of ${phase.total}`}
              />
            ) : null}
            {phase.kind === 'error' ? <Alert title="The job was not started">{phase.message}</Alert> : null}
            <SubmitButton pendingLabel="Checking…" disabled={!ready || busy}>
              {busy ? 'Working…' : `Make keys and onboard ${chosen.length} device${chosen.length === 1 ? '' : 's'}`}
            </SubmitButton>
          </FormSection>
        </form>
      ) : null}
    </div>
  );
}
