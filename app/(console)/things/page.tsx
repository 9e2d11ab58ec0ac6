import type { Metadata } from 'next';

import { ThingsTable } from '@/components/things/things-table';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { Code } from '@/components/ui/code';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requireSession } from '@/lib/auth/session';
import { describeControlEndpoint, readIotConfig } from '@/lib/aws/config';
import { toAppError, type AppError } from '@/lib/aws/errors';
import { listThings, type ListThingsResult } from '@/lib/aws/things';

// Live registry data: render on every request, never from a build-time snapshot.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Things' };

const PAGE_SIZE = 25;

type SearchParams = Record<string, string | string[] | undefined>;

function firstParam(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v ? v : undefined;
}

/** The CLI line that would create a thing against the current target: the quickest way out of the empty state. */
function createThingHint(): string {
  try {
    const config = readIotConfig();
    return config.mode === 'local'
      ? `aws --endpoint-url ${describeControlEndpoint(config)} iot create-thing --thing-name my-device`
      : `aws iot create-thing --region ${config.region} --thing-name my-device`;
  } catch {
    return 'aws iot create-thing --thing-name my-device';
  }
}

export default async function ThingsPage(props: { searchParams: Promise<SearchParams> }) {
  await requireSession('/things');
  const searchParams = await props.searchParams;
  const nextToken = firstParam(searchParams.nextToken);

  let result: ListThingsResult | undefined;
  let failure: AppError | undefined;
  try {
    result = await listThings({ nextToken, maxResults: PAGE_SIZE });
  } catch (err) {
    failure = toAppError(err);
  }

  return (
    <>
      <PageHeader title="Things" description="Devices registered in the AWS IoT thing registry." />
      {failure ? (
        <Alert
          title={failure.code === 'unavailable' ? 'AWS IoT is unavailable' : 'Could not load things'}
          action={
            <div className="flex gap-2">
              <ButtonLink href={nextToken ? `/things?nextToken=${encodeURIComponent(nextToken)}` : '/things'} prefetch={false}>
                Try again
              </ButtonLink>
              {nextToken ? (
                <ButtonLink href="/things" variant="ghost">
                  First page
                </ButtonLink>
              ) : null}
            </div>
          }
        >
          {failure.message}
        </Alert>
      ) : result && result.things.length === 0 && !nextToken ? (
        <EmptyState title="No things yet">
          <p>A thing is the registry entry for one device. Create one and it appears here, for example:</p>
          <p className="mt-3">
            <Code>{createThingHint()}</Code>
          </p>
        </EmptyState>
      ) : result ? (
        <>
          <ThingsTable things={result.things} />
          <nav aria-label="Pagination" className="mt-4 flex items-center justify-between text-sm text-slate-600">
            <span>
              {result.things.length} {result.things.length === 1 ? 'thing' : 'things'} on this page
            </span>
            <div className="flex gap-2">
              {nextToken ? (
                <ButtonLink href="/things" variant="ghost">
                  First page
                </ButtonLink>
              ) : null}
              {result.nextToken ? (
                <ButtonLink href={`/things?nextToken=${encodeURIComponent(result.nextToken)}`}>Next page</ButtonLink>
              ) : null}
            </div>
          </nav>
        </>
      ) : null}
    </>
  );
}
