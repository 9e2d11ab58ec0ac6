import type { Metadata } from 'next';

import { PoliciesTable } from '@/components/policies/policies-table';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { LoadFailure } from '@/components/ui/load-failure';
import { PageHeader } from '@/components/ui/page-header';
import { IfRole } from '@/components/console/role-gate';
import { requireRole } from '@/lib/auth/guard';
import { toAppError, type AppError } from '@/lib/aws/errors';
import { listPolicyOverviews, type PolicyOverview, type PolicyPage } from '@/lib/aws/policies';
import { firstParam, type SearchParams } from '@/lib/forms/search-params';

// Live registry data: render on every request.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Policies' };

const PAGE_SIZE = 25;

export default async function PoliciesPage(props: { searchParams: Promise<SearchParams> }) {
  const operator = await requireRole('viewer');
  const searchParams = await props.searchParams;
  const marker = firstParam(searchParams.marker);
  const deleted = firstParam(searchParams.deleted);

  let result: PolicyPage<PolicyOverview> | undefined;
  let failure: AppError | undefined;
  try {
    result = await listPolicyOverviews({ marker, pageSize: PAGE_SIZE });
  } catch (err) {
    failure = toAppError(err);
  }

  return (
    <>
      <PageHeader
        title="Policies"
        description="What devices holding a certificate may do in AWS IoT: connect, publish, subscribe, receive, use shadows."
        actions={
          <IfRole role={operator.role} need="admin" label="New policy" variant="primary">
            <ButtonLink href="/policies/new" variant="primary">
              New policy
            </ButtonLink>
          </IfRole>
        }
      />
      {deleted ? (
        <div className="mb-4">
          <Alert tone="info" title={`Policy "${deleted}" was deleted.`} />
        </div>
      ) : null}
      {failure ? (
        <LoadFailure
          error={failure}
          what="policies"
          retryHref={marker ? `/policies?marker=${encodeURIComponent(marker)}` : '/policies'}
          firstPageHref={marker ? '/policies' : undefined}
        />
      ) : result && result.items.length === 0 && !marker ? (
        <EmptyState
          title="No policies yet"
          action={
            <IfRole role={operator.role} need="admin" label="Create a policy" variant="primary">
              <ButtonLink href="/policies/new" variant="primary">
                Create a policy
              </ButtonLink>
            </IfRole>
          }
        >
          <p>
            A device can do nothing in AWS IoT until a policy attached to its certificate allows it. Create one from a
            template: the least-privilege one lets each device use only its own client id and topics, so one policy
            serves the whole fleet. Then attach it to a certificate.
          </p>
        </EmptyState>
      ) : result ? (
        <>
          <PoliciesTable policies={result.items} />
          <nav aria-label="Pagination" className="mt-4 flex items-center justify-between text-sm text-slate-600">
            <span>
              {result.items.length} {result.items.length === 1 ? 'policy' : 'policies'} on this page
            </span>
            <div className="flex gap-2">
              {marker ? (
                <ButtonLink href="/policies" variant="ghost">
                  First page
                </ButtonLink>
              ) : null}
              {result.nextMarker ? (
                <ButtonLink href={`/policies?marker=${encodeURIComponent(result.nextMarker)}`}>Next page</ButtonLink>
              ) : null}
            </div>
          </nav>
        </>
      ) : null}
    </>
  );
}
