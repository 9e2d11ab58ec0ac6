'use client';

import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

import { formatAbsolute, formatRelative } from '@/lib/format/relative-time';

/**
 * One clock for every relative time on the page, ticking once a second. It starts at the server's render
 * time so the server's HTML and the browser's first render agree (no hydration mismatch), then follows the
 * browser's clock.
 */
const NowContext = createContext<number>(0);

export function NowProvider({ initialNow, children }: { initialNow: number; children: ReactNode }) {
  const [now, setNow] = useState(initialNow);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return <NowContext.Provider value={now}>{children}</NowContext.Provider>;
}

/** "3 s ago", with the absolute UTC time on hover (title) and in the machine-readable dateTime. */
export function RelativeTime({ epochMs, prefix, className }: { epochMs: number; prefix?: string; className?: string }) {
  const now = useContext(NowContext) || epochMs;
  const iso = new Date(epochMs).toISOString();
  return (
    <time dateTime={iso} title={formatAbsolute(epochMs)} className={className}>
      {prefix}
      {formatRelative(epochMs, now)}
    </time>
  );
}
