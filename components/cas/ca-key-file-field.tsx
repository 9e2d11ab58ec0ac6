'use client';

import { useRef, useState } from 'react';

import { CaInputError } from '@/lib/pki/ca';
import { loadCa, type LoadedCa } from '@/lib/pki/ca-load';

const inputClasses =
  'block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm file:font-medium hover:file:bg-slate-200';

/** PEM files are small; anything bigger is not a certificate or key. */
const MAX_FILE_BYTES = 256 * 1024;

async function readPem(file: File | undefined): Promise<string | undefined> {
  if (!file) return undefined;
  if (file.size > MAX_FILE_BYTES)
    throw new CaInputError(`${file.name} is ${Math.round(file.size / 1024)} KB: too large for a PEM file.`);
  return file.text();
}

/**
 * File inputs for a CA's private key (and, when `withCertificate`, its certificate), read in this browser only.
 * As soon as both are chosen they are checked together (loadCa: the certificate is a CA and the key is its key);
 * errors appear beside the field they concern. Nothing is uploaded: the inputs have no name and sit in no form
 * that is submitted.
 */
export function CaKeyFileField({
  withCertificate = false,
  certificatePem,
  onLoaded,
  onCleared,
}: {
  withCertificate?: boolean;
  /** The CA certificate when it is already known (e.g. from AWS IoT). */
  certificatePem?: string;
  onLoaded: (ca: LoadedCa, files: { certificatePem: string; privateKeyPem: string }) => void;
  onCleared?: () => void;
}) {
  const certRef = useRef<HTMLInputElement>(null);
  const keyRef = useRef<HTMLInputElement>(null);
  const [errors, setErrors] = useState<{ certificate?: string; privateKey?: string }>({});
  const [status, setStatus] = useState<string | undefined>();

  async function check() {
    setErrors({});
    setStatus(undefined);
    onCleared?.();
    let certText: string | undefined;
    let keyText: string | undefined;
    try {
      certText = withCertificate ? await readPem(certRef.current?.files?.[0]) : certificatePem;
    } catch (e) {
      setErrors({ certificate: (e as Error).message });
      return;
    }
    try {
      keyText = await readPem(keyRef.current?.files?.[0]);
    } catch (e) {
      setErrors({ privateKey: (e as Error).message });
      return;
    }
    if (!certText || !keyText) return;
    setStatus('Checking…');
    try {
      const ca = await loadCa(certText, keyText);
      setStatus(`Key matches the CA certificate (${ca.subject}, ${ca.keyAlgorithm}).`);
      onLoaded(ca, { certificatePem: certText, privateKeyPem: keyText });
    } catch (e) {
      setStatus(undefined);
      const field = e instanceof CaInputError && e.field === 'certificate' ? 'certificate' : 'privateKey';
      setErrors({ [field]: e instanceof Error ? e.message : String(e) });
    }
  }

  return (
    <div className="space-y-4">
      {withCertificate ? (
        <div className="space-y-1">
          <label htmlFor="ca-certificate-file" className="block text-sm font-medium text-slate-800">
            CA certificate file
          </label>
          <input
            ref={certRef}
            id="ca-certificate-file"
            type="file"
            accept=".pem,.crt,.cer,.txt,application/x-pem-file"
            className={inputClasses}
            aria-invalid={errors.certificate ? true : undefined}
            aria-describedby="ca-certificate-file-error"
            onChange={() => void check()}
          />
          <div id="ca-certificate-file-error" aria-live="polite" className="text-xs text-red-700">
            {errors.certificate}
          </div>
        </div>
      ) : null}
      <div className="space-y-1">
        <label htmlFor="ca-private-key-file" className="block text-sm font-medium text-slate-800">
          CA private key file
        </label>
        <input
          ref={keyRef}
          id="ca-private-key-file"
          type="file"
          accept=".pem,.key,.txt,application/x-pem-file"
          className={inputClasses}
          aria-invalid={errors.privateKey ? true : undefined}
          aria-describedby="ca-private-key-file-hint ca-private-key-file-error"
          onChange={() => void check()}
        />
        <p id="ca-private-key-file-hint" className="text-xs text-slate-500">
          PEM, unencrypted: PKCS#8, or an EC or RSA key as OpenSSL writes them. Read in this browser only — never
          uploaded.
        </p>
        <div id="ca-private-key-file-error" aria-live="polite" className="text-xs text-red-700">
          {errors.privateKey}
        </div>
      </div>
      {status ? (
        <p role="status" className="text-sm text-emerald-800">
          {status}
        </p>
      ) : null}
    </div>
  );
}
