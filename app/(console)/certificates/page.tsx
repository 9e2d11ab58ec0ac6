import type { Metadata } from 'next';

import { CertificatesTable } from '@/components/certificates/certificates-table';
import { DeletedNotice } from '@/components/certificates/deleted-notice';
import { CertificateStatusFilter } from '@/components/certificates/status-filter';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { Code } from '@/components/ui/code';
import { EmptyState } from '@/components/ui/empty-state';
import { LoadFailure } from '@/components/ui/load-failure';
import { PageHeader } from '@/components/ui/page-header';
import { IfRole } from '@/components/console/role-gate';
import { requireRole } from '@/lib/auth/guard';
import {
  CERTIFICATE_STATUSES,
  listCertificateRows,
  type CertificateRowsResult,
  type CertificateStatus,
} from '@/lib/aws/certificates';
import { toAppError, type AppError } from '@/lib/aws/errors';
import { firstParam, type SearchParams } from '@/lib/forms/search-params';

// Live registry data: render on every request.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Certificates' };

/** Each row costs two more AWS calls (see listCertificateRows), so pages stay small. */
const PAGE_SIZE = 25;

function parseStatus(value: string | undefined): CertificateStatus | undefined {
  return (CERTIFICATE_STATUSES as readonly string[]).includes(value ?? '') ? (value as CertificateStatus) : undefined;
}

function href(params: { status?: string; marker?: string }): string {
  const q = new URLSearchParams();
  if (params.status) q.set('status', params.status);
  if (params.marker) q.set('marker', params.marker);
  const s = q.toString();
  return s ? `/certificates?${s}` : '/certificates';
}

export default async function CertificatesPage(props: { searchParams: Promise<SearchParams> }) {
  const operator = await requireRole('viewer');
  const searchParams = await props.searchParams;
  const marker = firstParam(searchParams.marker);
  const rawStatus = firstParam(searchParams.status);
  const status = parseStatus(rawStatus);

  let result: CertificateRowsResult | undefined;
  let failure: AppError | undefined;
  try {
    result = await listCertificateRows({ pageSize: PAGE_SIZE, marker, status });
  } catch (err) {
    failure = toAppError(err);
  }
  const now = Date.now();

  return (
    <>
      <PageHeader
        title="Certificates"
        description="Device certificates registered in AWS IoT. Only ACTIVE certificates can connect."
        actions={
          <IfRole role={operator.role} need="operator" label="Register a certificate" variant="primary">
            <ButtonLink href="/certificates/register" variant="primary">
              Register a certificate
            </ButtonLink>
          </IfRole>
        }
      />
      <DeletedNotice searchParams={searchParams} />
      <CertificateStatusFilter status={status} />
      {rawStatus && !status ? (
        <Alert tone="warning" title="Unknown status filter">
          “{rawStatus}” is not a certificate status; showing every status.
        </Alert>
      ) : null}
      {failure ? (
        <LoadFailure
          error={failure}
          what="certificates"
          retryHref={href({ status, marker })}
          firstPageHref={marker ? href({ status }) : undefined}
        />
      ) : result && result.rows.length === 0 && !marker && !result.nextMarker ? (
        status ? (
          <EmptyState
            title={`No ${status} certificates`}
            action={<ButtonLink href="/certificates">Show all statuses</ButtonLink>}
          >
            <p>No certificate in this account and region has the status {status}.</p>
          </EmptyState>
        ) : (
          <EmptyState
            title="No certificates yet"
            action={
              <IfRole role={operator.role} need="operator" label="Register a certificate" variant="primary">
                <ButtonLink href="/certificates/register" variant="primary">
                  Register a certificate
                </ButtonLink>
              </IfRole>
            }
          >
            <p>
              A device proves who it is with an X.509 certificate. Onboard a device to have AWS IoT issue one, or
              register a certificate you already have (self-signed or signed by your CA).
            </p>
            <p className="mt-3">
              From the command line: <Code>aws iot create-keys-and-certificate --set-as-active</Code>
            </p>
          </EmptyState>
        )
      ) : result ? (
        <>
          {result.rows.length > 0 ? (
            <CertificatesTable rows={result.rows} now={now} />
          ) : (
            <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-sm text-slate-600">
              No {status ?? ''} certificates among the {result.scanned} read on this page. Try the next page.
            </p>
          )}
          <nav aria-label="Pagination" className="mt-4 flex items-center justify-between text-sm text-slate-600">
            <span>
              {result.rows.length} {result.rows.length === 1 ? 'certificate' : 'certificates'} on this page
              {status ? ` (status ${status}, ${result.scanned} read)` : ''}
            </span>
            <div className="flex gap-2">
              {marker ? (
                <ButtonLink href={href({ status })} variant="ghost">
                  First page
                </ButtonLink>
              ) : null}
              {result.nextMarker ? (
                <ButtonLink href={href({ status, marker: result.nextMarker })}>Next page</ButtonLink>
              ) : null}
            </div>
          </nav>
        </>
      ) : null}
    </>
  );
}
