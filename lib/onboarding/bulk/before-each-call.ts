import type { OnboardingAws } from '../aws';

/**
 * The job's AWS calls, each made only once `before()` has resolved (if it throws, the call is not made): the
 * records written before the call are durable (lib/db/job-store.ts: flushBeforeEachCall), and the instance
 * still holds the job's lease (lib/onboarding/bulk/jobs.ts).
 */
export function beforeEachCall(aws: OnboardingAws, before: () => Promise<void>): OnboardingAws {
  return Object.fromEntries(
    Object.entries(aws).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        await before();
        return (fn as (...a: unknown[]) => Promise<unknown>).apply(aws, args);
      },
    ]),
  ) as unknown as OnboardingAws;
}
