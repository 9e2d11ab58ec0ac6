'use client';

import { useEffect } from 'react';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/**
 * Last-resort boundary for the console. Expected AWS failures are rendered by the pages
 * themselves; this catches the unexpected so one broken page keeps the nav usable.
 */
export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <Alert
      title="Something went wrong"
      action={
        <Button variant="secondary" onClick={reset}>
          Try again
        </Button>
      }
    >
      This page failed to load{error.digest ? ` (reference ${error.digest})` : ''}. The server log has the details.
    </Alert>
  );
}
