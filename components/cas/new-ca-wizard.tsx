'use client';

import Link from 'next/link';
import { startTransition, useActionState, useState } from 'react';

import { fetchRegistrationCodeAction, registerCaAction, type RegisterCaState } from '@/app/(console)/cas/actions';
import { saveBytes } from '@/components/onboarding/download';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { FormMessage, SelectField, TextField } from '@/components/ui/form';
import { RadioOption } from '@/components/ui/radio';
import { PRIVATE_KEY_MODE, zipBundle } from '@/lib/bundle/zip';
import { idle } from '@/lib/forms/action-state';
import { CA_KEY_ALGORITHMS, createCa, type CaFiles, type CaKeyAlgorithm } from '@/lib/pki/ca';
import { createVerificationCertificate } from '@/lib/pki/ca-issue';
import { loadCa, type LoadedCa } from '@/lib/pki/ca-load';

import { CaKeyFileField } from './ca-key-file-field';

type Source = 'create' | 'upload';
type StepState = 'todo' | 'working' | 'done' | 'failed';
const STEPS = [
  'Check the CA and its key',
  'Fetch the registration code',
  'Make the verification certificate',
  'Register the CA',
] as const;

function fileSafe(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'ca'
  );
}

/**
 * Register a CA: create one in this browser (the key is offered for download at once and never leaves the
 * browser) or load an existing one from files; then fetch the registration code, make the verification
 * certificate here with the CA's key, and register (only the two certificates are sent).
 */
export function NewCaWizard() {
  const [source, setSource] = useState<Source>('create');
  const [created, setCreated] = useState<(CaFiles & { name: string }) | undefined>();
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | undefined>();
  const [uploaded, setUploaded] = useState<{ certificatePem: string; privateKeyPem: string } | undefined>();
  const [checked, setChecked] = useState<LoadedCa | undefined>();
  const [steps, setSteps] = useState<StepState[]>(STEPS.map(() => 'todo'));
  const [localError, setLocalError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [state, formAction, pending] = useActionState<RegisterCaState, FormData>(registerCaAction, idle());

  const material = source === 'create' ? created : uploaded;
  const working = busy || pending;

  async function onCreate(form: HTMLFormElement) {
    const data = new FormData(form);
    const name = String(data.get('commonName') ?? '').trim();
    const organization = String(data.get('organization') ?? '').trim();
    const algorithm = (data.get('algorithm') === 'RSA' ? 'RSA' : 'EC') as CaKeyAlgorithm;
    setCreateError(undefined);
    setCreating(true);
    try {
      const files = await createCa({ commonName: name, organization: organization || undefined, algorithm });
      setCreated({ ...files, name });
      setChecked(await loadCa(files.certificatePem, files.privateKeyPem));
    } catch (e) {
      setCreateError(e instanceof Error ? e.message : String(e));
    } finally {
      setCreating(false);
    }
  }

  function downloadZip() {
    if (!created) return;
    const base = fileSafe(created.name);
    const zip = zipBundle([
      { path: `${base}/ca-certificate.pem`, content: created.certificatePem },
      { path: `${base}/ca-private-key.pem`, content: created.privateKeyPem, mode: PRIVATE_KEY_MODE },
    ]);
    saveBytes(zip, `${base}-ca.zip`, 'application/zip');
  }

  async function onRegister(form: HTMLFormElement) {
    if (!material) return;
    const options = new FormData(form);
    setLocalError(undefined);
    setBusy(true);
    const mark = (i: number, s: StepState) =>
      setSteps((prev) => prev.map((v, j) => (j === i ? s : j > i && s === 'working' ? 'todo' : v)));
    let step = 0;
    try {
      mark(0, 'working');
      const ca = await loadCa(material.certificatePem, material.privateKeyPem);
      setChecked(ca);
      mark(0, 'done');
      step = 1;
      mark(1, 'working');
      const code = await fetchRegistrationCodeAction();
      if (!code.ok) throw new Error(code.message);
      mark(1, 'done');
      step = 2;
      mark(2, 'working');
      const verification = await createVerificationCertificate(ca, code.code);
      mark(2, 'done');
      step = 3;
      mark(3, 'working');
      const fd = new FormData();
      fd.set('caCertificatePem', ca.certificatePem);
      fd.set('verificationCertificatePem', verification);
      if (options.get('setAsActive')) fd.set('setAsActive', 'on');
      if (options.get('allowAutoRegistration')) fd.set('allowAutoRegistration', 'on');
      startTransition(() => formAction(fd));
    } catch (e) {
      mark(step, 'failed');
      setLocalError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  const registerFailed = state.status === 'failed' || state.status === 'invalid';
  // The last step ends with the action: a refusal shows as that step failing (success redirects).
  const stepStates = steps.map((s, i) =>
    i === 3 && s === 'working' && !pending && !busy && registerFailed ? 'failed' : s,
  );
  const alreadyId =
    state.data?.existingId ??
    (registerFailed && /already registered/.test(state.message ?? '') ? checked?.certificateId : undefined);

  return (
    <div className="max-w-3xl space-y-8">
      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold text-slate-900">1. Where does the CA come from?</legend>
        <RadioOption
          name="source"
          value="create"
          checked={source === 'create'}
          onChange={() => setSource('create')}
          label="Create a CA in this browser"
          hint="A new key pair and self-signed CA certificate, made here. The key is never sent anywhere."
        />
        <RadioOption
          name="source"
          value="upload"
          checked={source === 'upload'}
          onChange={() => setSource('upload')}
          label="Upload an existing CA"
          hint="Its certificate and private key, read in this browser only: the key signs the verification certificate here and is never uploaded."
        />
      </fieldset>

      {source === 'create' ? (
        <section aria-labelledby="create-heading" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
          <h2 id="create-heading" className="text-base font-semibold">
            Create a CA
          </h2>
          <form
            className="grid gap-4 sm:grid-cols-3"
            onSubmit={(e) => {
              e.preventDefault();
              void onCreate(e.currentTarget);
            }}
          >
            <TextField
              name="commonName"
              label="Common name"
              defaultValue="IoT Device CA"
              required
              maxLength={64}
              hint="The CA’s subject CN."
            />
            <TextField name="organization" label="Organization (optional)" maxLength={64} />
            <SelectField name="algorithm" label="Key algorithm" options={CA_KEY_ALGORITHMS} defaultValue="EC" />
            <div className="sm:col-span-3">
              <Button type="submit" variant={created ? 'secondary' : 'primary'} disabled={creating}>
                {creating ? 'Creating…' : created ? 'Create another CA' : 'Create CA in this browser'}
              </Button>
            </div>
          </form>
          {createError ? <Alert title="Could not create the CA">{createError}</Alert> : null}
          {created ? (
            <Alert tone="warning" title="Download the CA key now — it exists only in this tab">
              <p>
                Whoever holds <strong>ca-private-key.pem</strong> can make certificates AWS IoT accepts for your
                devices. Store it like a password (a vault, an HSM, an offline disk). It is not sent to the server and
                cannot be downloaded again once you leave this page; you will choose it again to sign device
                certificates.
              </p>
              <div className="mt-3 flex flex-wrap gap-2">
                <Button variant="primary" onClick={downloadZip}>
                  Download CA key and certificate (zip)
                </Button>
                <Button
                  variant="secondary"
                  onClick={() => saveBytes(created.certificatePem, 'ca-certificate.pem', 'application/x-pem-file')}
                >
                  ca-certificate.pem
                </Button>
                <Button
                  variant="secondary"
                  onClick={() => saveBytes(created.privateKeyPem, 'ca-private-key.pem', 'application/x-pem-file')}
                >
                  ca-private-key.pem
                </Button>
              </div>
            </Alert>
          ) : null}
        </section>
      ) : (
        <section aria-labelledby="upload-heading" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
          <h2 id="upload-heading" className="text-base font-semibold">
            Upload an existing CA
          </h2>
          <CaKeyFileField
            withCertificate
            onLoaded={(ca, files) => {
              setChecked(ca);
              setUploaded(files);
            }}
            onCleared={() => {
              setChecked(undefined);
              setUploaded(undefined);
            }}
          />
        </section>
      )}

      <section aria-labelledby="register-heading" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="register-heading" className="text-base font-semibold">
          2. Register with AWS IoT
        </h2>
        {checked && material ? (
          <p className="text-sm text-slate-700">
            CA <strong>{checked.subject}</strong> ({checked.keyAlgorithm}), valid until{' '}
            {checked.notAfter.toISOString().slice(0, 10)}.
          </p>
        ) : (
          <p className="text-sm text-slate-600">Create or load a CA first.</p>
        )}
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            void onRegister(e.currentTarget);
          }}
        >
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="setAsActive" defaultChecked className="mt-1" />
            <span>
              <span className="font-medium">Set as active</span>
              <span className="block text-slate-600">Only an ACTIVE CA vouches for its devices.</span>
            </span>
          </label>
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="allowAutoRegistration" defaultChecked className="mt-1" />
            <span>
              <span className="font-medium">Allow auto-registration</span>
              <span className="block text-slate-600">
                Devices signed by this CA register themselves on first connect (JITR; with a template, JITP). Off: each
                device certificate must be registered with RegisterCertificate.
              </span>
            </span>
          </label>
          <Button type="submit" variant="primary" disabled={!material || !checked || working}>
            {working ? 'Registering…' : 'Register CA'}
          </Button>
          <p className="text-xs text-slate-500">
            Sent to AWS IoT: the CA certificate and the verification certificate. Never sent: any private key.
          </p>
        </form>
        <ol className="space-y-1 text-sm" aria-label="Registration steps">
          {STEPS.map((label, i) => (
            <li key={label} data-state={stepStates[i]} className="flex items-center gap-2">
              <span aria-hidden className="w-4 text-center">
                {stepStates[i] === 'done'
                  ? '✓'
                  : stepStates[i] === 'failed'
                    ? '✕'
                    : stepStates[i] === 'working'
                      ? '…'
                      : '·'}
              </span>
              <span
                className={
                  stepStates[i] === 'failed'
                    ? 'text-red-700'
                    : stepStates[i] === 'done'
                      ? 'text-emerald-800'
                      : 'text-slate-700'
                }
              >
                {label}
              </span>
            </li>
          ))}
        </ol>
        {localError ? <Alert title="Registration stopped">{localError}</Alert> : null}
        <FormMessage state={state} />
        {alreadyId ? (
          <p className="text-sm">
            <Link href={`/cas/${alreadyId}`} className="font-medium text-indigo-700 hover:underline">
              Open the registered CA
            </Link>
          </p>
        ) : null}
      </section>
    </div>
  );
}
