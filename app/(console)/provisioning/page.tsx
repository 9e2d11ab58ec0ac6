import type { Metadata } from 'next';
import Link from 'next/link';

import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { formatDate } from '@/components/policies/format';
import { templateHref } from '@/components/provisioning/format';
import { requireRole } from '@/lib/auth/guard';
import { type AppError, toAppError } from '@/lib/aws/errors';
import { listProvisioningTemplates, type ProvisioningTemplateSummary } from '@/lib/aws/provisioning';
import { firstParam, type SearchParams } from '@/lib/forms/search-params';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Fleet provisioning' };

export default async function ProvisioningPage(props: { searchParams: Promise<SearchParams> }) {
  await requireRole('admin');
  const searchParams = await props.searchParams;
  const nextToken = firstParam(searchParams.next);
  const deleted = firstParam(searchParams.deleted);

  let templates: ProvisioningTemplateSummary[] | undefined;
  let next: string | undefined;
  let failure: AppError | undefined;
  try {
    const page = await listProvisioningTemplates({ nextToken, maxResults: 50 });
    templates = page.items;
    next = page.nextToken;
  } catch (err) {
    failure = toAppError(err);
  }

  return (
    <>
      <PageHeader
        title="Fleet provisioning"
        description="Provisioning templates let devices onboard themselves: a claim certificate (from the factory, or a five-minute claim from an installer) is exchanged over MQTT for the device's own certificate and thing."
        actions={
          <ButtonLink href="/provisioning/new" variant="primary">
            New template
          </ButtonLink>
        }
      />
      {deleted ? (
        <div className="mb-4">
          <Alert tone="info" title={`Provisioning template "${deleted}" was deleted.`} />
        </div>
      ) : null}
      {failure ? (
        <Alert title="Could not load provisioning templates">{failure.message}</Alert>
      ) : templates && templates.length === 0 && !nextToken ? (
        <EmptyState
          title="No provisioning templates yet"
          action={
            <ButtonLink href="/provisioning/new" variant="primary">
              Create a template
            </ButtonLink>
          }
        >
          <p>
            Start from a preset: provisioning by claim (one claim certificate on every unit) or by trusted user (an
            installer asks for a five-minute claim). Each device then asks the template for its own thing.
          </p>
        </EmptyState>
      ) : templates ? (
        <>
          <Table aria-label="Provisioning templates">
            <TableHead>
              <tr>
                <TableHeaderCell>Name</TableHeaderCell>
                <TableHeaderCell>Type</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell>Description</TableHeaderCell>
                <TableHeaderCell>Created</TableHeaderCell>
              </tr>
            </TableHead>
            <TableBody>
              {templates.map((t) => (
                <TableRow key={t.name}>
                  <TableCell className="font-medium">
                    <Link href={templateHref(t.name)} className="text-indigo-700 hover:underline" title={t.arn}>
                      {t.name}
                    </Link>
                  </TableCell>
                  <TableCell className="text-slate-600">{t.type}</TableCell>
                  <TableCell>{t.enabled ? 'Enabled' : 'Disabled'}</TableCell>
                  <TableCell className="text-slate-600">{t.description ?? ''}</TableCell>
                  <TableCell className="whitespace-nowrap text-slate-600">{formatDate(t.createdAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {next ? (
            <nav aria-label="Pagination" className="mt-4 flex justify-end gap-2 text-sm">
              <ButtonLink href="/provisioning" variant="ghost">
                First page
              </ButtonLink>
              <ButtonLink href={`/provisioning?next=${encodeURIComponent(next)}`}>Next page</ButtonLink>
            </nav>
          ) : null}
        </>
      ) : null}
    </>
  );
}
