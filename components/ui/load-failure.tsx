import type { AppError } from '@/lib/aws/errors';

import { Alert } from './alert';
import { ButtonLink } from './button';

/**
 * A page's read from AWS IoT failed: what failed in plain words, Try again (the same address, never a prefetched
 * copy), and First page when the failure was on a later page of a list.
 */
export function LoadFailure({
  error,
  what,
  retryHref,
  firstPageHref,
}: {
  error: AppError;
  /** What could not be loaded: "certificates", "the policy" ... */
  what: string;
  retryHref: string;
  firstPageHref?: string | undefined;
}) {
  return (
    <Alert
      title={error.code === 'unavailable' ? 'AWS IoT is unavailable' : `Could not load ${what}`}
      action={
        <div className="flex gap-2">
          <ButtonLink href={retryHref} prefetch={false}>
            Try again
          </ButtonLink>
          {firstPageHref ? (
            <ButtonLink href={firstPageHref} variant="ghost">
              First page
            </ButtonLink>
          ) : null}
        </div>
      }
    >
      {error.message}
    </Alert>
  );
}
