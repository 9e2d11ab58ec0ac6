import type { Metadata } from 'next';
import Link from 'next/link';

import { CaStatusBadge, OnOffBadge } from '@/components/cas/ca-badges';
import { PendingCertificates, type PendingCertificate } from '@/components/cas/pending-certificates';
import { formatDateTime } from '@/components/certificates/format';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { IfRole } from '@/components/console/role-gate';
import { requireRole } from '@/lib/auth/guard';
import { listCaDetails, listCertificatesByCa, type CaDetails } from '@/lib/aws/cas';
import { toAppError, type AppError } from '@/lib/aws/errors';
import { inspectCertificate } from '@/lib/pki/inspect';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'CAs & JITP' };

/** Waiting certificates shown per CA (the rest are a click away). */
const PENDING_LIMIT = 500;

async function subjectOf(pem: string): Promise<string> {
  try {
    return (await inspectCertificate(pem)).subject || '—';
  } catch {
    return '—';
  }
}

export default async function CasPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const operator = await requireRole('viewer');
  const searchParams = await props.searchParams;
  const deleted = typeof searchParams.deleted === 'string' ? searchParams.deleted : undefined;

  let cas: CaDetails[] = [];
  let failure: AppError | undefined;
  try {
    cas = await listCaDetails();
  } catch (err) {
    failure = toAppError(err);
  }
  const rows = await Promise.all(
    cas.map(async (ca) => {
      const [subject, pending] = await Promise.all([
        subjectOf(ca.pem),
        listCertificatesByCa(ca.id, { status: 'PENDING_ACTIVATION', limit: PENDING_LIMIT }).catch(() => undefined),
      ]);
      return { ca, subject, pending };
    }),
  );
  const waiting: PendingCertificate[] = rows.flatMap(({ ca, subject, pending }) =>
    (pending ?? []).map((c) => ({ id: c.id, caId: ca.id, caLabel: subject, createdAt: c.createdAt?.toISOString() })),
  );

  return (
    <>
      <PageHeader
        title="CAs & JITP"
        description="Your own certificate authorities registered in AWS IoT. Devices whose certificates they signed register themselves on first connect (JITR), or are fully provisioned with a template (JITP)."
        actions={
          <IfRole role={operator.role} need="admin" label="Register a CA" variant="primary">
            <ButtonLink href="/cas/new" variant="primary">
              Register a CA
            </ButtonLink>
          </IfRole>
        }
      />
      {deleted ? (
        <div className="mb-4">
          <Alert tone="info" title="CA certificate deleted">
            CA {deleted.slice(0, 12)}… is no longer registered. Device certificates it signed stay registered; new
            devices it signs will be refused.
          </Alert>
        </div>
      ) : null}
      {failure ? (
        <Alert
          title="Could not load CA certificates"
          action={
            <ButtonLink href="/cas" prefetch={false}>
              Try again
            </ButtonLink>
          }
        >
          {failure.message}
        </Alert>
      ) : cas.length === 0 ? (
        <EmptyState
          title="No CA registered yet"
          action={
            <IfRole role={operator.role} need="admin" label="Register a CA" variant="primary">
              <ButtonLink href="/cas/new" variant="primary">
                Register a CA
              </ButtonLink>
            </IfRole>
          }
        >
          <p>
            Register a CA to onboard devices without an API call per device: create one in this browser (its key stays
            with you) or upload one you already have. Then sign device certificates here, and each device registers
            itself when it first connects.
          </p>
        </EmptyState>
      ) : (
        <div className="space-y-8">
          <Table aria-label="Registered CA certificates">
            <TableHead>
              <tr>
                <TableHeaderCell>CA</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell>Auto-registration</TableHeaderCell>
                <TableHeaderCell>JITP template</TableHeaderCell>
                <TableHeaderCell>Waiting</TableHeaderCell>
                <TableHeaderCell>Created</TableHeaderCell>
              </tr>
            </TableHead>
            <TableBody>
              {rows.map(({ ca, subject, pending }) => (
                <TableRow key={ca.id} data-ca-id={ca.id}>
                  <TableCell>
                    <Link href={`/cas/${ca.id}`} className="font-medium text-indigo-700 hover:underline">
                      {subject}
                    </Link>
                    <div className="font-mono text-xs text-slate-500">{ca.id.slice(0, 16)}…</div>
                  </TableCell>
                  <TableCell>
                    <CaStatusBadge status={ca.status} />
                  </TableCell>
                  <TableCell>
                    <OnOffBadge on={ca.autoRegistration} />
                  </TableCell>
                  <TableCell>
                    <OnOffBadge on={Boolean(ca.registrationConfig.templateBody)} onLabel="Yes" offLabel="No" />
                  </TableCell>
                  <TableCell className="text-sm">{pending === undefined ? '—' : pending.length}</TableCell>
                  <TableCell className="text-xs">{formatDateTime(ca.createdAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>

          <section aria-labelledby="pending-heading" className="space-y-3">
            <div>
              <h2 id="pending-heading" className="text-lg font-semibold text-slate-900">
                Waiting for activation (JITR)
              </h2>
              <p className="text-sm text-slate-600">
                Devices that connected with a certificate signed by a CA with auto-registration and no template. Their
                certificates are PENDING_ACTIVATION; activate them and the devices can connect.
              </p>
            </div>
            <PendingCertificates
              certificates={waiting}
              emptyText="No certificate is waiting. When a device signed by a CA with auto-registration on connects, its certificate appears here."
            />
          </section>
        </div>
      )}
    </>
  );
}
