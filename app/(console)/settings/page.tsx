import type { Metadata } from 'next';
import type { ReactNode } from 'react';

import { Alert } from '@/components/ui/alert';
import { Code } from '@/components/ui/code';
import { PageHeader } from '@/components/ui/page-header';
import { requireSession } from '@/lib/auth/session';
import { describeControlEndpoint, readIotConfig, type IotConfig } from '@/lib/aws/config';
import { toAppError } from '@/lib/aws/errors';

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
  await requireSession('/settings');
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
    </>
  );
}
