import type { Metadata } from 'next';
import type { ReactNode } from 'react';

import { RootCaCard } from '@/components/onboarding/root-ca-card';
import { Alert } from '@/components/ui/alert';
import { Code } from '@/components/ui/code';
import { CopyButton } from '@/components/ui/copy-button';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/guard';
import { describeControlEndpoint, readIotConfig, type IotConfig } from '@/lib/aws/config';
import { toAppError } from '@/lib/aws/errors';
import { deviceConnection } from '@/lib/onboarding/root-ca';
import type { DeviceConnection } from '@/lib/onboarding/types';

// Shows the runtime environment, which differs from the build machine's.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Settings' };

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 px-4 py-3">
      <dt className="text-sm font-medium text-slate-600">{label}</dt>
      <dd className="col-span-2 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

export default async function SettingsPage() {
  await requireRole('viewer');
  let config: IotConfig;
  try {
    config = readIotConfig();
  } catch (err) {
    return (
      <>
        <PageHeader title="Settings" />
        <Alert title="Configuration error">{toAppError(err).message}</Alert>
      </>
    );
  }

  // What devices connect to: DescribeEndpoint(iot:Data-ATS), the MQTT port and the root CA to trust.
  let connection: DeviceConnection | undefined;
  let connectionError: string | undefined;
  try {
    connection = await deviceConnection(config);
  } catch (err) {
    connectionError = toAppError(err).message;
  }

  return (
    <>
      <PageHeader
        title="Settings"
        description="Read from the server's environment at start-up; change them there and restart."
      />
      <dl className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm">
        <Row label="Mode (IOT_MODE)">
          {config.mode === 'local' ? 'local — the embedded IoT Core emulator' : 'aws — a real AWS account'}
        </Row>
        <Row label="Region (AWS_REGION)">
          <Code>{config.region}</Code>
        </Row>
        <Row label="Control-plane endpoint">
          <Code>{describeControlEndpoint(config)}</Code>
        </Row>
        <Row label="Data-plane endpoint">
          {config.dataEndpoint ? <Code>{config.dataEndpoint}</Code> : 'resolved with DescribeEndpoint (iot:Data-ATS)'}
        </Row>
        <Row label="Credentials">
          {config.mode === 'local'
            ? 'throwaway static credentials (the emulator accepts any signature)'
            : 'the AWS SDK default chain: environment, AWS_PROFILE, SSO, instance role'}
        </Row>
      </dl>

      <h2 className="mt-8 mb-3 text-lg font-semibold text-slate-900">Device connection</h2>
      {connection ? (
        <div className="space-y-4">
          <dl
            aria-label="Device connection"
            className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm"
          >
            <Row label="Data endpoint (iot:Data-ATS)">
              <span className="flex items-center justify-between gap-2">
                <Code>{connection.endpoint}</Code>
                <CopyButton text={connection.endpoint} label="Copy endpoint" />
              </span>
            </Row>
            <Row label="MQTT port">
              <span className="flex items-center justify-between gap-2">
                <span>
                  <Code>{connection.port}</Code>{' '}
                  <span className="text-slate-600">MQTT over TLS with an X.509 client certificate</span>
                </span>
                <CopyButton text={String(connection.port)} label="Copy port" />
              </span>
            </Row>
          </dl>
          <RootCaCard
            fileName={connection.rootCa.fileName}
            pem={connection.rootCa.pem}
            description={connection.rootCa.description}
          />
        </div>
      ) : (
        <Alert title="Could not look up the device endpoint">{connectionError}</Alert>
      )}
    </>
  );
}
