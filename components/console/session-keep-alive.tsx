'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useRef } from 'react';

/**
 * Keeps the session's idle timeout moving while the console is used. Moving between pages renders them on the
 * server as React Server Components, which cannot set cookies, so the session would end an idle period after
 * the last form sent even while someone reads page after page. On each navigation (at most once a minute)
 * this asks /api/session, whose session check moves the session's end forward and renews the cookie.
 */
const MIN_INTERVAL_MS = 60_000;

export function SessionKeepAlive() {
  const pathname = usePathname();
  const last = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the effect is meant to run on every navigation.
  useEffect(() => {
    const now = Date.now();
    if (now - last.current < MIN_INTERVAL_MS) return;
    last.current = now;
    void fetch('/api/session', { cache: 'no-store', credentials: 'same-origin' }).catch(() => undefined);
  }, [pathname]);
  return null;
}
