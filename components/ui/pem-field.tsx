'use client';

import { useId, useState, type ChangeEvent, type ReactNode } from 'react';

import { cn } from './cn';
import { inputClasses } from './field-styles';
import { errorIdOf, Field, hintIdOf } from './form';

/** The largest file the field reads: AWS IoT takes a certificate PEM of at most 65,536 characters. */
export const MAX_PEM_FILE_BYTES = 64 * 1024;

/** What a PEM field holds: the block it expects, how a person names it, what a file of it is called. */
const KINDS = {
  certificate: {
    block: 'CERTIFICATE',
    what: 'certificate',
    toPem: 'openssl x509 -inform der -in file.der -out file.pem',
    accept: '.pem,.crt,.cer,.cert,.txt,application/x-pem-file,application/x-x509-ca-cert',
  },
  csr: {
    block: 'CERTIFICATE REQUEST',
    what: 'certificate signing request',
    toPem: 'openssl req -inform der -in file.der -out file.pem',
    accept: '.pem,.csr,.req,.txt,application/x-pem-file',
  },
} as const;

export type PemKind = keyof typeof KINDS;

/**
 * Reads a chosen file in the browser and says what is wrong with it before anything is sent: empty, too
 * big, binary (DER, a key store, an image) or not UTF-8 text. Returns the text, or the reason.
 */
export async function readPemFile(
  file: File,
  kind: PemKind = 'certificate',
): Promise<{ text: string } | { error: string }> {
  const { what, toPem } = KINDS[kind];
  if (file.size === 0) return { error: `“${file.name}” is empty.` };
  if (file.size > MAX_PEM_FILE_BYTES) {
    return { error: `“${file.name}” is ${Math.ceil(file.size / 1024)} KB; a ${what} PEM file is at most 64 KB.` };
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes[0] === 0x30 && bytes.includes(0)) {
    return { error: `“${file.name}” looks like a binary (DER) ${what}. Convert it to PEM first: ${toPem}` };
  }
  if (bytes.includes(0)) return { error: `“${file.name}” is a binary file, not a PEM ${what}.` };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { error: `“${file.name}” is not a text file, so it cannot be a PEM ${what}.` };
  }
}

/**
 * A PEM pasted into a text area, or read from a file into it (the file never leaves the page otherwise),
 * with an upload button beside the label, its errors, and an optional preview of what it reads.
 * A file that cannot be read goes to `onFileError` when given (the form then owns the message), else the
 * field shows it until the text changes.
 */
export function PemField({
  name,
  label,
  uploadLabel,
  hint,
  kind = 'certificate',
  value,
  errors,
  onText,
  onFileError,
  preview,
}: {
  name: string;
  label: string;
  uploadLabel: string;
  hint?: ReactNode;
  kind?: PemKind;
  value: string;
  errors?: string[];
  onText: (text: string, source: 'typed' | 'file') => void;
  onFileError?: (message: string) => void;
  /** Shown under the field while it has no errors, e.g. what the certificate reads as. */
  preview?: ReactNode;
}) {
  const uploadId = useId();
  const [fileProblem, setFileProblem] = useState<string | undefined>();
  const shown = fileProblem ? [...(errors ?? []), fileProblem] : errors;
  const invalid = Boolean(shown?.length);
  const describedBy = [hint ? hintIdOf(name) : undefined, invalid ? errorIdOf(name) : undefined]
    .filter(Boolean)
    .join(' ');

  function text(t: string, source: 'typed' | 'file') {
    setFileProblem(undefined);
    onText(t, source);
  }

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = ''; // choosing the same file again fires change again
    if (!file) return;
    const read = await readPemFile(file, kind);
    if ('text' in read) text(read.text, 'file');
    else if (onFileError) onFileError(read.error);
    else setFileProblem(read.error);
  }

  const upload = (
    <label
      htmlFor={uploadId}
      className="cursor-pointer rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-800 hover:bg-slate-50 focus-within:outline-2 focus-within:outline-indigo-600"
    >
      {uploadLabel}
      <input
        id={uploadId}
        type="file"
        accept={KINDS[kind].accept}
        className="sr-only"
        aria-describedby={describedBy || undefined}
        onChange={onFile}
      />
    </label>
  );

  return (
    <div className="space-y-1.5">
      <Field id={name} label={label} hint={hint} errors={shown} aside={upload}>
        {(control) => (
          <textarea
            {...control}
            name={name}
            rows={8}
            spellCheck={false}
            value={value}
            onChange={(e) => text(e.target.value, 'typed')}
            placeholder={`-----BEGIN ${KINDS[kind].block}-----\n…\n-----END ${KINDS[kind].block}-----`}
            className={cn(inputClasses, 'font-mono text-xs')}
          />
        )}
      </Field>
      {preview && !invalid ? preview : null}
    </div>
  );
}
