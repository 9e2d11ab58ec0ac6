import type { OnboardingAws } from '../aws';

/**
 * The job's AWS calls, each made only once `before()` has resolved (if it throws, the call is not made): the
 * runner's `beforeCall` (lib/onboarding/bulk/runner.ts), with which the dashboard waits until the device's records
 * are durable (lib/db/job-store.ts: `ready`) and the instance surely still holds the job's lease (held-job.ts).
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
