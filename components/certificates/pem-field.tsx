'use client';

import { useId, type ChangeEvent } from 'react';

import { cn } from '@/components/ui/cn';
import { describeKey, type CertificateInfo } from '@/lib/pki/inspect';

import { formatDate } from './format';

/** The largest file the form reads: AWS IoT takes a certificate PEM of at most 65,536 characters. */
export const MAX_PEM_FILE_BYTES = 64 * 1024;

/**
 * Reads a chosen file in the browser and says what is wrong with it before anything is sent: too big,
 * binary (DER, a key store, an image) or not UTF-8 text. Returns the text, or the reason.
 */
export async function readPemFile(file: File): Promise<{ text: string } | { error: string }> {
  if (file.size === 0) return { error: `“${file.name}” is empty.` };
  if (file.size > MAX_PEM_FILE_BYTES) {
    return { error: `“${file.name}” is ${Math.ceil(file.size / 1024)} KB; a certificate PEM file is at most 64 KB.` };
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes[0] === 0x30 && bytes.includes(0)) {
    return {
      error: `“${file.name}” looks like a binary (DER) certificate. Convert it to PEM first: openssl x509 -inform der -in file.der -out file.pem`,
    };
  }
  if (bytes.includes(0)) return { error: `“${file.name}” is a binary file, not a PEM certificate.` };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { error: `“${file.name}” is not a text file, so it cannot be a PEM certificate.` };
  }
}

const inputClasses =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 font-mono text-xs shadow-sm ' +
  'focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 ' +
  'aria-[invalid=true]:border-red-500 aria-[invalid=true]:ring-red-500/20';

export function CertificatePreview({ info, label }: { info: CertificateInfo; label: string }) {
  return (
    <div
      role="status"
      aria-label={label}
      className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-xs text-emerald-950"
    >
      <p className="font-semibold">
        Reads as a certificate{info.selfSigned ? ' (self-signed)' : ''}
        {info.isCa ? ', a CA' : ''}.
      </p>
      <dl className="mt-1 grid grid-cols-[7rem_1fr] gap-x-3 gap-y-0.5">
        <dt>Subject</dt>
        <dd className="break-words">{info.subject || '—'}</dd>
        <dt>Issuer</dt>
        <dd className="break-words">{info.issuer || '—'}</dd>
        <dt>Valid</dt>
        <dd>
          {formatDate(info.notBefore)} to {formatDate(info.notAfter)}
        </dd>
        <dt>Key</dt>
        <dd>{describeKey(info)}</dd>
        <dt>SHA-256</dt>
        <dd className="font-mono break-all">{info.sha256Fingerprint}</dd>
      </dl>
    </div>
  );
}

/** A PEM textarea with an upload button beside it, its errors, and a preview of what it reads. */
export function PemField({
  name,
  label,
  uploadLabel,
  hint,
  value,
  errors,
  info,
  onText,
  onFileError,
}: {
  name: string;
  label: string;
  uploadLabel: string;
  hint?: string;
  value: string;
  errors: string[] | undefined;
  info: CertificateInfo | undefined;
  onText: (text: string, source: 'typed' | 'file') => void;
  onFileError: (message: string) => void;
}) {
  const uploadId = useId();
  const errorId = `${name}-error`;
  const hintId = `${name}-hint`;
  const describedBy =
    [hint ? hintId : undefined, errors?.length ? errorId : undefined].filter(Boolean).join(' ') || undefined;

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = ''; // choosing the same file again fires change again
    if (!file) return;
    const read = await readPemFile(file);
    if ('error' in read) onFileError(read.error);
    else onText(read.text, 'file');
  }

  return (
    <div className="space-y-1.5">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <label htmlFor={name} className="block text-sm font-medium text-slate-800">
          {label}
        </label>
        <div>
          <label
            htmlFor={uploadId}
            className="cursor-pointer rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-800 hover:bg-slate-50 focus-within:outline-2 focus-within:outline-indigo-600"
          >
            {uploadLabel}
            <input
              id={uploadId}
              type="file"
              accept=".pem,.crt,.cer,.cert,.txt,application/x-pem-file,application/x-x509-ca-cert"
              className="sr-only"
              aria-describedby={describedBy}
              onChange={onFile}
            />
          </label>
        </div>
      </div>
      <textarea
        id={name}
        name={name}
        rows={8}
        spellCheck={false}
        value={value}
        onChange={(e) => onText(e.target.value, 'typed')}
        placeholder={'-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----'}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy}
        className={cn(inputClasses)}
      />
      {hint ? (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <div id={errorId} aria-live="polite" className="text-xs text-red-700">
        {errors?.map((e) => (
          <p key={e}>{e}</p>
        ))}
      </div>
      {info && !errors?.length ? <CertificatePreview info={info} label={`${label} preview`} /> : null}
    </div>
  );
}
