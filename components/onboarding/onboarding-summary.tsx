'use client';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import type { DeviceConnection } from '@/lib/onboarding/types';

export interface SummaryData {
  thingName: string;
  certificateId: string;
  policyName: string;
  telemetryTopic: string;
  fileName: string;
  hasPrivateKey: boolean;
  connection: DeviceConnection;
  credentialsProvider?: { endpoint: string; roleAlias: string };
}

function Row({ label, value, copyLabel }: { label: string; value: string; copyLabel: string }) {
  return (
    <div className="grid grid-cols-3 items-center gap-4 px-4 py-2.5">
      <dt className="text-sm font-medium text-slate-600">{label}</dt>
      <dd className="col-span-2 flex items-center justify-between gap-2 text-sm text-slate-900">
        <code className="min-w-0 break-all font-mono text-[0.85em]">{value}</code>
        <CopyButton text={value} label={copyLabel} />
      </dd>
    </div>
  );
}

/** What the operator needs next: the values to copy, the bundle to download, and the private-key warning. */
export function OnboardingSummary({
  data,
  onDownload,
  onReset,
}: {
  data: SummaryData;
  onDownload: () => void;
  onReset: () => void;
}) {
  return (
    <section
      aria-labelledby="onboarded-title"
      className="space-y-4 rounded-lg border border-emerald-200 bg-emerald-50/40 p-4"
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="onboarded-title" className="text-lg font-semibold text-slate-900">
          Device {data.thingName} onboarded
        </h2>
        <div className="flex gap-2">
          <Button onClick={onDownload}>Download credential bundle</Button>
          <Button variant="secondary" onClick={onReset}>
            Onboard another device
          </Button>
        </div>
      </div>
      {data.hasPrivateKey ? (
        <Alert tone="warning" title="The private key is only in this download">
          {data.fileName} holds the device’s private key. It was never stored by the dashboard and cannot be downloaded
          again: keep the zip somewhere safe (or put the key on the device) before leaving this page. A later
          re-download has the certificate and settings only.
        </Alert>
      ) : (
        <Alert tone="info" title="No private key in this bundle">
          The device keeps the key it already has; {data.fileName} holds the certificate, root CA and settings.
        </Alert>
      )}
      <dl className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        <Row label="Endpoint" value={data.connection.endpoint} copyLabel="Copy endpoint" />
        <Row label="MQTT port" value={String(data.connection.port)} copyLabel="Copy port" />
        <Row label="Client id" value={data.thingName} copyLabel="Copy client id" />
        <Row label="Publish topic" value={data.telemetryTopic} copyLabel="Copy topic" />
        <Row label="Certificate id" value={data.certificateId} copyLabel="Copy certificate id" />
        <Row label="Policy" value={data.policyName} copyLabel="Copy policy name" />
        {data.credentialsProvider ? (
          <Row
            label="AWS credentials"
            value={`https://${data.credentialsProvider.endpoint}/role-aliases/${encodeURIComponent(data.credentialsProvider.roleAlias)}/credentials`}
            copyLabel="Copy credentials URL"
          />
        ) : null}
      </dl>
      <p className="text-sm text-slate-600">
        Root CA: {data.connection.rootCa.fileName} (in the bundle). Later, the certificate and settings can be
        downloaded again without the key:{' '}
        <a
          href={`/api/things/${encodeURIComponent(data.thingName)}/bundle`}
          className="font-medium text-indigo-700 underline hover:text-indigo-600"
        >
          re-download bundle (no key)
        </a>
      </p>
    </section>
  );
}
