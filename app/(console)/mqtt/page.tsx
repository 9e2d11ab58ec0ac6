import type { Metadata } from 'next';

import { MqttClient } from '@/components/mqtt/mqtt-client';
import { PageHeader } from '@/components/ui/page-header';
import { may, requireRole } from '@/lib/auth/guard';
import { readIotConfig } from '@/lib/aws/config';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'MQTT test client' };

function connectionDescription(): string {
  try {
    const config = readIotConfig();
    return config.mode === 'local'
      ? 'Subscribe and publish as the dashboard, over the local IoT Core’s MQTT WebSocket.'
      : `Subscribe and publish as the dashboard, over a SigV4-signed WebSocket to your account’s iot:Data-ATS endpoint in ${config.region}.`;
  } catch {
    return 'Subscribe and publish as the dashboard.';
  }
}

export default async function MqttPage() {
  const operator = await requireRole('viewer');
  return (
    <>
      <PageHeader title="MQTT test client" description={connectionDescription()} />
      <MqttClient mayPublish={may(operator, 'operator')} />
    </>
  );
}
