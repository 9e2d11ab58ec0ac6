import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';

import { CaStatusBadge, OnOffBadge } from '@/components/cas/ca-badges';
import { AutoRegistrationForm, CaStatusForm, DeleteCaForm } from '@/components/cas/ca-settings-forms';
import { PendingCertificates } from '@/components/cas/pending-certificates';
import { TemplateEditor } from '@/components/cas/template-editor';
import { formatDateTime } from '@/components/certificates/format';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { PageHeader } from '@/components/ui/page-header';
import { PageSection } from '@/components/ui/page-section';
import { IfRole, RoleGate } from '@/components/console/role-gate';
import { requireRole } from '@/lib/auth/guard';
import { describeCaCertificate, listCertificatesByCa, type CaCertificateEntry, type CaDetails } from '@/lib/aws/cas';
import { readIotConfig } from '@/lib/aws/config';
import { isAppError, toAppError } from '@/lib/aws/errors';
import { inspectCertificate, type CertificateInfo } from '@/lib/pki/inspect';
import { certificateId } from '@/lib/validation/iot-names';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'CA certificate' };

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 py-2 text-sm">
      <dt className="font-medium text-slate-600">{label}</dt>
      <dd className="col-span-2 text-slate-900">{children}</dd>
    </div>
  );
}

export default async function CaPage(props: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id: raw } = await props.params;
  const operator = await requireRole('viewer');
  const searchParams = await props.searchParams;
  const parsedId = certificateId.safeParse(raw);
  if (!parsedId.success) notFound();
  const id = parsedId.data.replace(/^0x/, '').toLowerCase();

  let ca: CaDetails;
  try {
    ca = await describeCaCertificate(id);
  } catch (err) {
    if (isAppError(err, 'not_found')) notFound();
    const e = toAppError(err);
    return (
      <Alert
        title="Could not load the CA certificate"
        action={
          <ButtonLink href={`/cas/${id}`} prefetch={false}>
            Try again
          </ButtonLink>
        }
      >
        {e.message}
      </Alert>
    );
  }
  let info: CertificateInfo | undefined;
  try {
    info = await inspectCertificate(ca.pem);
  } catch {
    info = undefined;
  }
  let certs: CaCertificateEntry[] | undefined;
  try {
    certs = await listCertificatesByCa(id, { limit: 1000 });
  } catch {
    certs = undefined;
  }
  const pending = (certs ?? []).filter((c) => c.status === 'PENDING_ACTIVATION');
  const mode = readIotConfig().mode;
  const template = ca.registrationConfig.templateBody;
  const label = info?.subject || `${id.slice(0, 12)}…`;

  return (
    <>
      <PageHeader
        title={info?.commonName ?? 'CA certificate'}
        description={
          <>
            <Link href="/cas" className="text-indigo-700 hover:underline">
              CAs & JITP
            </Link>{' '}
            / {label}
          </>
        }
        actions={
          <IfRole role={operator.role} need="admin" label="Sign device certificates" variant="primary">
            <ButtonLink href={`/cas/${id}/sign`} variant="primary">
              Sign device certificates
            </ButtonLink>
          </IfRole>
        }
      />
      {searchParams.registered ? (
        <div className="mb-4">
          <Alert tone="info" title="CA registered">
            AWS IoT accepted the verification certificate.{' '}
            {ca.autoRegistration ? 'Devices it signs will register themselves on first connect.' : ''} Next: attach a
            provisioning template below (JITP), or sign device certificates.
          </Alert>
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <PageSection card title="Details" id="details-heading">
          <dl className="divide-y divide-slate-100">
            <Fact label="Subject">{info?.subject ?? '—'}</Fact>
            <Fact label="CA certificate id">
              <span className="font-mono text-xs break-all">{ca.id}</span> <CopyButton text={ca.id} label="Copy id" />
            </Fact>
            <Fact label="Status">
              <CaStatusBadge status={ca.status} />
            </Fact>
            <Fact label="Auto-registration">
              <OnOffBadge on={ca.autoRegistration} />
            </Fact>
            <Fact label="JITP template">
              <OnOffBadge on={Boolean(template)} onLabel="Yes" offLabel="No" />
            </Fact>
            <Fact label="Key">
              {info ? `${info.keyType}${info.curve ? ` ${info.curve}` : info.keySize ? ` ${info.keySize}` : ''}` : '—'}
            </Fact>
            <Fact label="Valid">
              {formatDateTime(ca.notBefore)} → {formatDateTime(ca.notAfter)}
            </Fact>
            <Fact label="Registered">{formatDateTime(ca.createdAt)}</Fact>
            <Fact label="Device certificates">
              {certs ? `${certs.length}${certs.length >= 1000 ? '+' : ''} (${pending.length} waiting)` : '—'}
            </Fact>
          </dl>
        </PageSection>
        <div className="space-y-6">
          <PageSection
            card
            title="Status"
            id="status-heading"
            description={
              ca.status === 'ACTIVE'
                ? 'ACTIVE: devices it signed can connect.'
                : 'INACTIVE: devices it signed cannot connect, and nothing auto-registers.'
            }
          >
            <RoleGate role={operator.role} need="admin" what="Changing the CA status">
              <CaStatusForm caId={ca.id} status={ca.status} />
            </RoleGate>
          </PageSection>
          <PageSection
            card
            title="Auto-registration"
            id="auto-heading"
            description={
              ca.autoRegistration
                ? 'On: a device presenting a certificate this CA signed is registered on first connect — provisioned by the template (JITP), or PENDING_ACTIVATION without one (JITR).'
                : 'Off: device certificates this CA signed must each be registered (RegisterCertificate) before they can connect.'
            }
          >
            <RoleGate role={operator.role} need="admin" what="Changing auto-registration">
              <AutoRegistrationForm caId={ca.id} enabled={ca.autoRegistration} />
            </RoleGate>
          </PageSection>
        </div>
      </div>
      <div className="mt-6 space-y-6">
        <PageSection
          card
          title="Just-in-time provisioning (JITP)"
          id="template-heading"
          description="With a template, a device’s first connection makes its thing and policy, attaches them to its certificate and activates it — the device connects on its first try. The default names the thing after the certificate’s CN and attaches a policy scoped to that thing."
        >
          {!ca.autoRegistration ? (
            <Alert tone="warning" title="Auto-registration is off">
              The template runs only when auto-registration is on.
            </Alert>
          ) : null}
          <RoleGate role={operator.role} need="admin" what="Editing the provisioning template">
            <TemplateEditor caId={ca.id} templateBody={template} roleArn={ca.registrationConfig.roleArn} mode={mode} />
          </RoleGate>
        </PageSection>
        <PageSection
          card
          title="Waiting for activation (JITR)"
          id="pending-heading"
          description="Certificates this CA signed that registered themselves and wait for you."
        >
          <RoleGate role={operator.role} need="admin" what="Activating waiting certificates">
            <PendingCertificates
              certificates={pending.map((c) => ({
                id: c.id,
                caId: ca.id,
                caLabel: label,
                createdAt: c.createdAt?.toISOString(),
              }))}
              emptyText={
                ca.autoRegistration && !template
                  ? 'No certificate is waiting. A device this CA signed appears here after its first connection attempt.'
                  : 'No certificate is waiting.'
              }
            />
          </RoleGate>
        </PageSection>
        <PageSection card title="Delete" id="delete-heading">
          <RoleGate role={operator.role} need="admin" what="Deleting a CA">
            <DeleteCaForm caId={ca.id} status={ca.status} />
          </RoleGate>
        </PageSection>
      </div>
    </>
  );
}
