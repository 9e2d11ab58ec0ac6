import Link from 'next/link';

import type { CheckFix, StepStatus } from '@/lib/connection-check/types';

const BADGE: Record<StepStatus, { label: string; className: string; icon: string }> = {
  pass: { label: 'Pass', className: 'bg-emerald-100 text-emerald-800', icon: '✓' },
  fail: { label: 'Fail', className: 'bg-red-100 text-red-800', icon: '✕' },
  warn: { label: 'Warning', className: 'bg-amber-100 text-amber-900', icon: '!' },
  waiting: { label: 'Waiting', className: 'bg-slate-100 text-slate-700', icon: '…' },
};

/** One step of the connection check: a status badge, what was found, and the fix in plain words. */
export function CheckStepRow({
  id,
  title,
  status,
  detail,
  fix,
}: {
  id: string;
  title: string;
  status: StepStatus;
  detail: string;
  fix?: CheckFix;
}) {
  const badge = BADGE[status];
  return (
    <li className="flex gap-3 py-3" data-step={id} data-status={status} aria-label={`${title}: ${badge.label}`}>
      <span
        className={`mt-0.5 inline-flex h-6 min-w-16 shrink-0 items-center justify-center gap-1 rounded-full px-2 text-xs font-semibold ${badge.className}`}
      >
        <span aria-hidden="true" className={status === 'waiting' ? 'animate-pulse' : undefined}>
          {badge.icon}
        </span>
        {badge.label}
      </span>
      <div className="min-w-0 text-sm">
        <p className="font-medium text-slate-900">{title}</p>
        <p className="mt-0.5 break-words text-slate-700">{detail}</p>
        {fix ? (
          <p className="mt-1 text-slate-800">
            <span className="font-semibold">How to fix: </span>
            {fix.text}{' '}
            {fix.href ? (
              <Link href={fix.href} className="font-medium text-indigo-700 underline hover:text-indigo-600">
                {fix.linkText ?? 'Open'}
              </Link>
            ) : null}
          </p>
        ) : null}
      </div>
    </li>
  );
}
