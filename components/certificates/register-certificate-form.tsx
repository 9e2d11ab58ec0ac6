'use client';

import Link from 'next/link';
import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from 'react';

import { registerCertificateAction, type RegisterState } from '@/app/(console)/certificates/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { FormMessage, SelectField } from '@/components/ui/form';
import { PemField } from '@/components/ui/pem-field';
import { RadioOption } from '@/components/ui/radio';
import { idle } from '@/lib/forms/action-state';
import {
  CertificateParseError,
  inspectCertificate,
  isSignedBy,
  validityProblem,
  type CertificateInfo,
} from '@/lib/pki/inspect';

import { CertificatePreview } from './certificate-preview';

type Mode = 'without-ca' | 'with-ca';
type PemName = 'certificatePem' | 'caCertificatePem';

const STATUS_OPTIONS = [
  { value: 'ACTIVE', label: 'ACTIVE: devices can connect with it at once' },
  { value: 'INACTIVE', label: 'INACTIVE: register now, activate later' },
];

/** WebCrypto exists only in secure contexts (https, localhost); elsewhere the server does the checking alone. */
const canVerify = () => typeof globalThis.crypto?.subtle?.digest === 'function';

async function check(pem: string, what: string): Promise<{ info: CertificateInfo | undefined } | { error: string }> {
  if (!pem.trim()) return { error: `Paste or upload the ${what}.` };
  try {
    return { info: await inspectCertificate(pem) };
  } catch (err) {
    if (err instanceof CertificateParseError) return { error: err.message };
    // Not the certificate's fault (e.g. no WebCrypto here): let the server decide.
    return { info: undefined };
  }
}

/**
 * Register a certificate the operator already has. Everything that can be checked in the browser is
 * checked before the form is sent (size, PEM, X.509, dates, the CA's signature); AWS's own refusals
 * (already registered, CA not registered or inactive) come back beside the field they concern.
 */
export function RegisterCertificateForm() {
  const [state, formAction, isPending] = useActionState<RegisterState, FormData>(registerCertificateAction, idle());
  const [mode, setMode] = useState<Mode>('without-ca');
  const [pems, setPems] = useState<Record<PemName, string>>({ certificatePem: '', caCertificatePem: '' });
  const [infos, setInfos] = useState<Partial<Record<PemName, CertificateInfo>>>({});
  const [clientErrors, setClientErrors] = useState<Partial<Record<PemName, string[]>>>({});
  // A server error beside a field stays until that field changes.
  const [editedSinceResponse, setEdited] = useState<Set<string>>(new Set());
  const [checking, setChecking] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: each answer from the server clears the edited marks.
  useEffect(() => setEdited(new Set()), [state]);

  const errorsOf = (name: string): string[] | undefined => {
    const client = clientErrors[name as PemName];
    if (client?.length) return client;
    return editedSinceResponse.has(name) ? undefined : state.fieldErrors?.[name];
  };

  function setError(name: PemName, message: string | undefined) {
    setClientErrors((e) => ({ ...e, [name]: message ? [message] : undefined }));
  }

  // Each edit of a field bumps its version, so a check of older text never overwrites a newer one.
  const versions = useRef<Record<PemName, number>>({ certificatePem: 0, caCertificatePem: 0 });

  /** Checks one field's text and shows the outcome (error or preview), unless the field changed meanwhile. */
  async function validateOne(name: PemName, pem: string): Promise<string | undefined> {
    const version = versions.current[name];
    const result = await check(pem, name === 'certificatePem' ? 'certificate' : 'CA certificate');
    const info = 'info' in result ? result.info : undefined;
    const error =
      'error' in result ? result.error : name === 'certificatePem' && info ? validityProblem(info) : undefined;
    if (versions.current[name] === version) {
      setInfos((i) => ({ ...i, [name]: info }));
      setError(name, error);
    }
    return error;
  }

  // Typing and pasting are checked once the text settles. Not on blur: a preview appearing while the
  // pointer is pressed on the submit button would move the button away from under it.
  const timers = useRef<Partial<Record<PemName, ReturnType<typeof setTimeout>>>>({});
  useEffect(() => () => Object.values(timers.current).forEach((t) => clearTimeout(t)), []);

  function onText(name: PemName) {
    return (text: string, source: 'typed' | 'file') => {
      versions.current[name] += 1;
      setPems((p) => ({ ...p, [name]: text }));
      setEdited((s) => new Set(s).add(name));
      setError(name, undefined);
      setInfos((i) => ({ ...i, [name]: undefined }));
      clearTimeout(timers.current[name]);
      if (source === 'file') void validateOne(name, text);
      else if (text.trim()) timers.current[name] = setTimeout(() => void validateOne(name, text), 400);
    };
  }

  function onFileError(name: PemName) {
    return (message: string) => {
      versions.current[name] += 1;
      clearTimeout(timers.current[name]);
      setInfos((i) => ({ ...i, [name]: undefined }));
      setError(name, message);
    };
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const formData = new FormData(form);
    setChecking(true);
    try {
      Object.values(timers.current).forEach((t) => clearTimeout(t));
      const errors: Partial<Record<PemName, string[]>> = {};
      const certError = await validateOne('certificatePem', pems.certificatePem);
      if (certError) errors.certificatePem = [certError];
      if (mode === 'with-ca') {
        const caError = await validateOne('caCertificatePem', pems.caCertificatePem);
        if (caError) errors.caCertificatePem = [caError];
        else if (!certError && canVerify() && !(await isSignedBy(pems.certificatePem, pems.caCertificatePem))) {
          errors.caCertificatePem = [
            'This CA did not sign the certificate: its issuer and the CA subject or key do not match.',
          ];
        }
      }
      setClientErrors(errors);
      const firstInvalid = (['certificatePem', 'caCertificatePem'] as const).find((n) => errors[n]?.length);
      if (firstInvalid) {
        form.querySelector<HTMLElement>(`#${firstInvalid}`)?.focus();
        return;
      }
    } finally {
      setChecking(false);
    }
    startTransition(() => formAction(formData));
  }

  const busy = isPending || checking;
  const existing = state.data?.existingCertificateId;

  return (
    <form onSubmit={onSubmit} noValidate className="max-w-3xl space-y-6" aria-label="Register a certificate">
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Who signed the certificate?</legend>
        <RadioOption
          name="mode"
          value="without-ca"
          checked={mode === 'without-ca'}
          onChange={() => setMode('without-ca')}
          label={
            <>
              No CA registered in AWS IoT{' '}
              <span className="font-normal">(self-signed, or a CA you do not register).</span>
            </>
          }
          hint="RegisterCertificateWithoutCA. Devices using it must send the endpoint name (SNI) when they connect."
        />
        <RadioOption
          name="mode"
          value="with-ca"
          checked={mode === 'with-ca'}
          onChange={() => setMode('with-ca')}
          label="A CA registered in AWS IoT"
          hint="RegisterCertificate with the CA certificate."
        />
      </fieldset>

      <PemField
        name="certificatePem"
        label="Certificate (PEM)"
        uploadLabel="Upload certificate file"
        hint="Paste the device certificate, or upload a .pem/.crt file (at most 64 KB). One certificate, without its chain or private key."
        value={pems.certificatePem}
        errors={errorsOf('certificatePem')}
        onText={onText('certificatePem')}
        onFileError={onFileError('certificatePem')}
        preview={
          infos.certificatePem ? (
            <CertificatePreview info={infos.certificatePem} label="Certificate (PEM) preview" />
          ) : undefined
        }
      />
      {existing ? (
        <Alert tone="warning" title="Already registered">
          This exact certificate is registered already.{' '}
          <Link href={`/certificates/${existing}`} className="font-medium underline">
            Open certificate {existing.slice(0, 10)}…
          </Link>
        </Alert>
      ) : null}

      {mode === 'with-ca' ? (
        <div className="space-y-2">
          <PemField
            name="caCertificatePem"
            label="CA certificate (PEM)"
            uploadLabel="Upload CA certificate file"
            hint="The CA that signed the certificate above."
            value={pems.caCertificatePem}
            errors={errorsOf('caCertificatePem')}
            onText={onText('caCertificatePem')}
            onFileError={onFileError('caCertificatePem')}
            preview={
              infos.caCertificatePem ? (
                <CertificatePreview info={infos.caCertificatePem} label="CA certificate (PEM) preview" />
              ) : undefined
            }
          />
          <p className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-xs text-sky-900">
            The CA must already be registered in this account and region (RegisterCACertificate, with its verification
            certificate) and be ACTIVE; otherwise AWS IoT refuses the certificate. CA certificates are managed
            separately from this page: register the CA first, then come back. If you cannot register the CA, choose “No
            CA registered”.
          </p>
        </div>
      ) : null}

      <SelectField
        name="status"
        label="Status after registering"
        options={STATUS_OPTIONS}
        defaultValue="ACTIVE"
        errors={errorsOf('status')}
      />

      <FormMessage state={state} />
      <div className="flex gap-2">
        <Button type="submit" disabled={busy} aria-disabled={busy}>
          {isPending ? 'Registering…' : checking ? 'Checking…' : 'Register certificate'}
        </Button>
        <Link href="/certificates" className="self-center text-sm text-slate-600 hover:underline">
          Cancel
        </Link>
      </div>
    </form>
  );
}
