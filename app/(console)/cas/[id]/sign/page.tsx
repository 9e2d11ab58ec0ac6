import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';

import { SignDevicesForm } from '@/components/cas/sign-devices-form';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/guard';
import { describeCaCertificate, type CaDetails } from '@/lib/aws/cas';
import { isAppError, toAppError } from '@/lib/aws/errors';
import { deviceConnection } from '@/lib/onboarding/root-ca';
import type { DeviceConnection } from '@/lib/onboarding/types';
import { inspectCertificate } from '@/lib/pki/inspect';
import { certificateId } from '@/lib/validation/iot-names';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Sign device certificates' };

export default async function SignPage(props: { params: Promise<{ id: string }> }) {
  const { id: raw } = await props.params;
  await requireRole('admin');
  const parsedId = certificateId.safeParse(raw);
  if (!parsedId.success) notFound();
  const id = parsedId.data.replace(/^0x/, '').toLowerCase();

  let ca: CaDetails;
  try {
    ca = await describeCaCertificate(id);
  } catch (err) {
    if (isAppError(err, 'not_found')) notFound();
    return (
      <Alert
        title="Could not load the CA certificate"
        action={
          <ButtonLink href={`/cas/${id}/sign`} prefetch={false}>
            Try again
          </ButtonLink>
        }
      >
        {toAppError(err).message}
      </Alert>
    );
  }
  let connection: DeviceConnection | undefined;
  let connectionError: string | undefined;
  try {
    connection = await deviceConnection();
  } catch (err) {
    connectionError = toAppError(err).message;
  }
  const subject = await inspectCertificate(ca.pem)
    .then((i) => i.subject)
    .catch(() => `${id.slice(0, 12)}…`);

  return (
    <>
      <PageHeader
        title="Sign device certificates"
        description={
          <>
            <Link href="/cas" className="text-indigo-700 hover:underline">
              CAs & JITP
            </Link>{' '}
            /{' '}
            <Link href={`/cas/${id}`} className="text-indigo-700 hover:underline">
              {subject}
            </Link>{' '}
            / sign
          </>
        }
      />
      {ca.status !== 'ACTIVE' || !ca.autoRegistration ? (
        <div className="mb-4">
          <Alert tone="warning" title="Devices will not register themselves yet">
            {ca.status !== 'ACTIVE' ? 'This CA is INACTIVE: its devices cannot connect. ' : ''}
            {!ca.autoRegistration ? 'Auto-registration is off: each certificate would need RegisterCertificate. ' : ''}
            <Link href={`/cas/${id}`} className="font-medium underline">
              Change it on the CA’s page
            </Link>
            .
          </Alert>
        </div>
      ) : null}
      <SignDevicesForm
        caId={id}
        caCertificatePem={ca.pem}
        caLabel={subject}
        connection={connection}
        connectionError={connectionError}
      />
    </>
  );
}
