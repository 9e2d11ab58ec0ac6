'use client';

import { useEffect, useMemo, useRef, useState } from 'react';

import { saveBytes } from '@/components/onboarding/download';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextAreaField, TextField } from '@/components/ui/form';
import type { LoadedCa } from '@/lib/pki/ca-load';
import type { FleetProgress, FleetRequest, FleetResult, WorkerResponse } from '@/lib/pki/ca-worker';

import { CaKeyFileField } from './ca-key-file-field';
import { namesFromPrefix, parseNameLines, type NameList } from './device-names';

type Connection = FleetRequest['connection'];

/** Runs the signing in a Web Worker; on the main thread if a worker cannot start. */
function runFleet(
  request: FleetRequest,
  onProgress: (p: FleetProgress) => void,
): { promise: Promise<FleetResult>; cancel: () => void } {
  let worker: Worker | undefined;
  try {
    worker = new Worker(new URL('../../lib/pki/ca-worker.ts', import.meta.url), { type: 'module', name: 'ca-signer' });
  } catch {
    worker = undefined;
  }
  if (!worker) {
    return {
      promise: import('@/lib/pki/ca-worker').then((m) => m.buildFleetZip(request, onProgress)),
      cancel: () => {},
    };
  }
  const w = worker;
  const promise = new Promise<FleetResult>((resolve, reject) => {
    w.onmessage = (e: MessageEvent<WorkerResponse>) => {
      const m = e.data;
      if (m.type === 'progress') onProgress(m.progress);
      else if (m.type === 'done') {
        w.terminate();
        resolve(m.result);
      } else {
        w.terminate();
        reject(new Error(m.message));
      }
    };
    w.onerror = (e) => {
      w.terminate();
      reject(new Error(e.message || 'The signing worker failed.'));
    };
    w.postMessage({ type: 'sign', request });
  });
  return { promise, cancel: () => w.terminate() };
}

const fileSafe = (s: string) =>
  s
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'devices';

/**
 * Sign device certificates for a list of devices in this browser with the CA's key (chosen from a file, never
 * uploaded): one zip with a folder per device, zero API calls per device.
 */
export function SignDevicesForm({
  caId,
  caCertificatePem,
  caLabel,
  connection,
  connectionError,
}: {
  caId: string;
  caCertificatePem: string;
  caLabel: string;
  connection: Connection | undefined;
  connectionError: string | undefined;
}) {
  const [ca, setCa] = useState<{ loaded: LoadedCa; privateKeyPem: string } | undefined>();
  const [input, setInput] = useState<'list' | 'prefix'>('list');
  const [text, setText] = useState('');
  const [prefix, setPrefix] = useState('device-');
  const [count, setCount] = useState('10');
  const [start, setStart] = useState('1');
  const [validityDays, setValidityDays] = useState('3650');
  const [progress, setProgress] = useState<FleetProgress | undefined>();
  const [result, setResult] = useState<(FleetResult & { fileName: string }) | undefined>();
  const [error, setError] = useState<string | undefined>();
  const cancelRef = useRef<(() => void) | undefined>(undefined);
  useEffect(() => () => cancelRef.current?.(), []);

  const list: NameList = useMemo(() => {
    if (input === 'list') return parseNameLines(text);
    return namesFromPrefix(prefix, Number(count), Number(start));
  }, [input, text, prefix, count, start]);
  const days = Number(validityDays);
  const daysError =
    !Number.isInteger(days) || days < 1 || days > 36500 ? 'Enter a whole number of days from 1 to 36,500.' : undefined;
  const showProblems = input === 'prefix' || text.trim().length > 0;
  const running = progress !== undefined && !result && !error;
  const canSign =
    Boolean(ca) && Boolean(connection) && list.problems.length === 0 && list.names.length > 0 && !daysError && !running;

  async function sign() {
    if (!ca || !connection || !canSign) return;
    setError(undefined);
    setResult(undefined);
    setProgress({ phase: 'signing', done: 0, total: list.names.length });
    const job = runFleet(
      {
        caCertificatePem: ca.loaded.certificatePem,
        caPrivateKeyPem: ca.privateKeyPem,
        names: list.names,
        validityDays: days,
        connection,
        caCertificateId: caId,
      },
      setProgress,
    );
    cancelRef.current = job.cancel;
    try {
      const r = await job.promise;
      const fileName = `${fileSafe(ca.loaded.commonName ?? 'ca')}-${r.count}-devices.zip`;
      setResult({ ...r, fileName });
      saveBytes(r.zip, fileName, 'application/zip');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setProgress(undefined);
    } finally {
      cancelRef.current = undefined;
    }
  }

  const pct = progress ? Math.round((progress.done / Math.max(1, progress.total)) * 100) : 0;

  return (
    <div className="max-w-3xl space-y-6">
      {connectionError ? <Alert title="The device endpoint is unknown">{connectionError}</Alert> : null}
      <section aria-labelledby="key-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="key-heading" className="text-base font-semibold">
          1. The CA’s private key
        </h2>
        <p className="text-sm text-slate-600">
          The CA certificate comes from AWS IoT ({caLabel}). Choose its private key: it is read in this browser and used
          here only.
        </p>
        <CaKeyFileField
          certificatePem={caCertificatePem}
          onLoaded={(loaded, files) => setCa({ loaded, privateKeyPem: files.privateKeyPem })}
          onCleared={() => setCa(undefined)}
        />
      </section>

      <section aria-labelledby="names-heading" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="names-heading" className="text-base font-semibold">
          2. The devices
        </h2>
        <div className="flex gap-4 text-sm" role="radiogroup" aria-label="How to list the devices">
          <label className="flex items-center gap-2">
            <input type="radio" name="input" checked={input === 'list'} onChange={() => setInput('list')} />
            Paste names
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="input" checked={input === 'prefix'} onChange={() => setInput('prefix')} />
            Prefix and count
          </label>
        </div>
        {input === 'list' ? (
          <TextAreaField
            name="names"
            label="Device names (one per line)"
            rows={8}
            value={text}
            onChange={(e) => setText(e.target.value)}
            hint="Each becomes the certificate’s CN — and, with the default JITP template, the thing name. Letters, digits, : _ -; at most 64 characters."
          />
        ) : (
          <div className="grid gap-4 sm:grid-cols-3">
            <TextField name="prefix" label="Prefix" value={prefix} onChange={(e) => setPrefix(e.target.value)} />
            <TextField
              name="count"
              label="Count"
              type="number"
              min={1}
              max={10000}
              value={count}
              onChange={(e) => setCount(e.target.value)}
            />
            <TextField
              name="start"
              label="First number"
              type="number"
              min={0}
              value={start}
              onChange={(e) => setStart(e.target.value)}
            />
          </div>
        )}
        <TextField
          name="validityDays"
          label="Valid for (days)"
          type="number"
          min={1}
          max={36500}
          value={validityDays}
          onChange={(e) => setValidityDays(e.target.value)}
          errors={daysError ? [daysError] : undefined}
          hint="Never past the CA’s own expiry."
        />
        <div aria-live="polite" className="text-sm">
          {list.names.length > 0 ? (
            <p className="text-slate-700">
              {list.names.length.toLocaleString('en-US')} {list.names.length === 1 ? 'device' : 'devices'} ready
              {input === 'prefix' && list.names.length > 1
                ? ` (${list.names[0]} … ${list.names[list.names.length - 1]})`
                : ''}
              .
            </p>
          ) : null}
          {showProblems && list.problems.length > 0 ? (
            <div role="group" aria-label="Problems in the list" className="mt-2 space-y-1 text-red-700">
              <p className="font-medium">
                {list.problems.length} {list.problems.length === 1 ? 'problem' : 'problems'} to fix first:
              </p>
              <ul className="list-inside list-disc">
                {list.problems.slice(0, 20).map((p) => (
                  <li key={`${p.line}-${p.message}`}>
                    {p.line ? `Line ${p.line} “${p.name}”: ` : ''}
                    {p.message}
                  </li>
                ))}
              </ul>
              {list.problems.length > 20 ? <p>…and {list.problems.length - 20} more.</p> : null}
            </div>
          ) : null}
        </div>
      </section>

      <section aria-labelledby="sign-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="sign-heading" className="text-base font-semibold">
          3. Sign and download
        </h2>
        <p className="text-sm text-slate-600">
          One zip: a folder per device (certificate chain, private key, root CA, configs), the CA certificate and a
          manifest.csv. Nothing is sent to AWS IoT: each device registers itself on first connect.
        </p>
        <div className="flex flex-wrap items-center gap-3">
          <Button variant="primary" disabled={!canSign} onClick={() => void sign()}>
            {running
              ? 'Signing…'
              : list.names.length === 1
                ? 'Sign 1 certificate and download zip'
                : `Sign ${list.names.length > 0 ? `${list.names.length.toLocaleString('en-US')} ` : ''}certificates and download zip`}
          </Button>
          {running ? (
            <Button
              variant="ghost"
              onClick={() => {
                cancelRef.current?.();
                setProgress(undefined);
                setError('Cancelled: nothing was downloaded.');
              }}
            >
              Cancel
            </Button>
          ) : null}
          {!ca ? <span className="text-xs text-slate-500">Choose the CA’s private key first.</span> : null}
        </div>
        {progress && !result ? (
          <div role="status" aria-live="polite" className="space-y-1 text-sm text-slate-700">
            <progress className="h-2 w-full" max={100} value={pct} aria-label="Signing progress" />
            <p>
              {progress.phase === 'signing' ? 'Signing' : 'Zipping'} {progress.done.toLocaleString('en-US')} of{' '}
              {progress.total.toLocaleString('en-US')}…
            </p>
          </div>
        ) : null}
        {error ? <Alert title="No zip was made">{error}</Alert> : null}
        {result ? (
          <div
            role="status"
            className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900"
          >
            <p className="font-medium">
              Signed {result.count.toLocaleString('en-US')} device {result.count === 1 ? 'certificate' : 'certificates'}{' '}
              in{' '}
              {result.signMs < 100
                ? `${Math.max(1, Math.round(result.signMs))} ms`
                : `${(result.signMs / 1000).toFixed(1)} s`}
              ; zip ready (
              {result.zip.length < 1024 * 1024
                ? `${Math.ceil(result.zip.length / 1024)} KB`
                : `${(result.zip.length / 1024 / 1024).toFixed(1)} MB`}
              ).
            </p>
            <Button variant="secondary" onClick={() => saveBytes(result.zip, result.fileName, 'application/zip')}>
              Download {result.fileName} again
            </Button>
          </div>
        ) : null}
      </section>
    </div>
  );
}
