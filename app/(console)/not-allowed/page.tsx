import type { Metadata } from 'next';

import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/guard';
import { safeReturnPath } from '@/lib/auth/return-path';
import { isRole } from '@/lib/auth/roles';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Not allowed' };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Where a page sends someone whose role does not open it (lib/auth/guard.ts requireRole). */
export default async function NotAllowedPage(props: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const operator = await requireRole('viewer');
  const params = await props.searchParams;
  const need = first(params.need);
  const from = safeReturnPath(first(params.from), '');
  return (
    <div className="max-w-2xl space-y-6">
      <PageHeader title="Not allowed" />
      <Alert tone="warning" title={`Your role (${operator.role}) cannot open this page`}>
        {from ? (
          <>
            <code>{from}</code>{' '}
          </>
        ) : null}
        {isRole(need) ? `needs ${need}.` : 'needs a larger role.'} Ask an admin to change your role if you need it.
      </Alert>
      <ButtonLink href="/things" variant="secondary">
        Back to things
      </ButtonLink>
    </div>
  );
}
