'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';

import { Alert } from '@/components/ui/alert';
import { jobsHoldingKeys } from '@/lib/onboarding/bulk/key-vault';

/**
 * On the bulk page: the jobs whose private keys this browser still holds (not confirmed saved), each a link to
 * its page where the zip can be saved. Read from this browser's key vault; the server knows nothing of it.
 */
export function HeldKeysNotice({ jobs }: { jobs: readonly { id: string; name: string }[] }) {
  const [held, setHeld] = useState<{ jobId: string; held: number }[]>([]);
  useEffect(() => {
    jobsHoldingKeys()
      .then(setHeld)
      .catch(() => setHeld([]));
  }, []);
  if (held.length === 0) return null;
  const names = new Map(jobs.map((j) => [j.id, j.name]));
  return (
    <Alert tone="warning" title="Private keys not saved yet">
      <p>This browser holds the private keys of these jobs until you save each job&apos;s zip and confirm it:</p>
      <ul className="mt-1 list-disc pl-5">
        {held.map((h) => (
          <li key={h.jobId}>
            <Link href={`/bulk/${h.jobId}`} className="font-medium underline">
              {names.get(h.jobId) ?? `job ${h.jobId.slice(0, 8)}`}
            </Link>{' '}
            ({h.held} key{h.held === 1 ? '' : 's'})
          </li>
        ))}
      </ul>
    </Alert>
  );
}
