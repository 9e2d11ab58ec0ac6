'use client';

import { useRef, useState } from 'react';

import { fileInputClasses } from '@/components/ui/field-styles';
import { Field } from '@/components/ui/form';
import { CaInputError } from '@/lib/pki/ca';
import { loadCa, type LoadedCa } from '@/lib/pki/ca-load';

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
        <Field
          id="ca-certificate-file"
          label="CA certificate file"
          errors={errors.certificate ? [errors.certificate] : undefined}
        >
          {(control) => (
            <input
              {...control}
              ref={certRef}
              type="file"
              accept=".pem,.crt,.cer,.txt,application/x-pem-file"
              className={fileInputClasses}
              onChange={() => void check()}
            />
          )}
        </Field>
      ) : null}
      <Field
        id="ca-private-key-file"
        label="CA private key file"
        hint="PEM, unencrypted: PKCS#8, or an EC or RSA key as OpenSSL writes them. Read in this browser only — never uploaded."
        errors={errors.privateKey ? [errors.privateKey] : undefined}
      >
        {(control) => (
          <input
            {...control}
            ref={keyRef}
            type="file"
            accept=".pem,.key,.txt,application/x-pem-file"
            className={fileInputClasses}
            onChange={() => void check()}
          />
        )}
      </Field>
      {status ? (
        <p role="status" className="text-sm text-emerald-800">
          {status}
        </p>
      ) : null}
    </div>
  );
}
