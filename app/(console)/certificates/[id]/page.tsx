import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';

import { ResourceHistory } from '@/components/audit/resource-history';
import { CertificateActions } from '@/components/certificates/certificate-actions';
import { CertificateFacts } from '@/components/certificates/certificate-facts';
import { PemBlock } from '@/components/certificates/pem-block';
import { Alert } from '@/components/ui/alert';
import { LoadFailure } from '@/components/ui/load-failure';
import { PageHeader } from '@/components/ui/page-header';
import { may, requireRole } from '@/lib/auth/guard';
import { describeCertificate, issuerKind, type CertificateDetails } from '@/lib/aws/certificates';
import { isAppError, toAppError, type AppError } from '@/lib/aws/errors';
import { listAttachedPolicies } from '@/lib/aws/policy-attachments';
import { listPrincipalThings } from '@/lib/aws/principals';
import { CertificateParseError, inspectCertificate, type CertificateInfo } from '@/lib/pki/inspect';
import { certificateId as certificateIdSchema } from '@/lib/validation/iot-names';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata(props: Props): Promise<Metadata> {
  const { id } = await props.params;
  return { title: `Certificate ${id.slice(0, 10)}` };
}

async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: AppError }> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    return { ok: false, error: toAppError(err) };
  }
}

function LinkList({
  title,
  names,
  hrefOf,
  empty,
  error,
}: {
  title: string;
  names: string[] | undefined;
  hrefOf: (n: string) => string;
  empty: string;
  error: AppError | undefined;
}) {
  const headingId = `${title.toLowerCase().replace(/\W+/g, '-')}-heading`;
  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id={headingId} className="mb-2 text-sm font-semibold text-slate-900">
        {title}
      </h2>
      {error ? (
        <p className="text-sm text-red-700">Could not load: {error.message}</p>
      ) : !names || names.length === 0 ? (
        <p className="text-sm text-slate-500">{empty}</p>
      ) : (
        <ul className="space-y-1">
          {names.map((n) => (
            <li key={n}>
              <Link href={hrefOf(n)} className="font-mono text-sm text-indigo-700 hover:underline">
                {n}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export default async function CertificatePage(props: Props) {
  const { id: rawId } = await props.params;
  const operator = await requireRole('viewer');
  const searchParams = await props.searchParams;

  const parsedId = certificateIdSchema.safeParse(rawId);
  if (!parsedId.success) notFound();
  const id = parsedId.data.replace(/^0x/, '').toLowerCase();

  let cert: CertificateDetails;
  try {
    cert = await describeCertificate(id);
  } catch (err) {
    if (isAppError(err, 'not_found')) notFound();
    const e = toAppError(err);
    return (
      <>
        <PageHeader title={`Certificate ${id.slice(0, 10)}…`} />
        <LoadFailure error={e} what="the certificate" retryHref={`/certificates/${id}`} />
      </>
    );
  }

  const [things, policies] = await Promise.all([
    settle(listPrincipalThings(cert.arn)),
    settle(listAttachedPolicies(cert.arn)),
  ]);
  let info: CertificateInfo | undefined;
  let parseProblem: string | undefined;
  try {
    info = await inspectCertificate(cert.pem);
  } catch (err) {
    parseProblem = err instanceof CertificateParseError ? err.message : 'The PEM could not be read.';
  }
  const issuer = issuerKind(cert);
  const now = Date.now();

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/certificates" className="text-indigo-700 hover:underline">
          Certificates
        </Link>
      </nav>
      <PageHeader
        title={`Certificate ${id.slice(0, 10)}…`}
        description={info?.commonName ? `Common name ${info.commonName}` : undefined}
      />
      {searchParams.registered ? (
        <div className="mb-4">
          <Alert tone="info" title="Certificate registered">
            AWS IoT registered the certificate with status {cert.status}. Attach a policy and a thing to let a device
            use it.
          </Alert>
        </div>
      ) : null}
      {parseProblem ? (
        <div className="mb-4">
          <Alert tone="warning" title="The PEM could not be inspected">
            {parseProblem}
          </Alert>
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <div className="space-y-6">
          <CertificateFacts cert={cert} info={info} issuer={issuer} now={now} />
          <PemBlock id={cert.id} pem={cert.pem} />
        </div>
        <div className="space-y-6">
          <CertificateActions
            id={cert.id}
            status={cert.status}
            policies={policies.ok ? policies.value : undefined}
            things={things.ok ? things.value : undefined}
            mayChangeStatus={may(operator, 'operator')}
            mayRevokeOrDelete={may(operator, 'admin')}
          />
          <LinkList
            title="Attached things"
            names={things.ok ? things.value : undefined}
            error={things.ok ? undefined : things.error}
            hrefOf={(n) => `/things/${encodeURIComponent(n)}`}
            empty="Not attached to any thing."
          />
          <LinkList
            title="Attached policies"
            names={policies.ok ? policies.value : undefined}
            error={policies.ok ? undefined : policies.error}
            hrefOf={(n) => `/policies/${encodeURIComponent(n)}`}
            empty="No policy attached: a device using this certificate can do nothing."
          />
          <ResourceHistory resource={cert.id} arn={cert.arn} what="certificate" />
        </div>
      </div>
    </>
  );
}
