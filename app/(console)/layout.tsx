import Link from 'next/link';
import type { ReactNode } from 'react';

import { ConsoleNav, type NavItem } from '@/components/console/nav';
import { SessionKeepAlive } from '@/components/console/session-keep-alive';
import { TargetBadge } from '@/components/console/target-badge';
import { ToastProvider } from '@/components/ui/toast';
import { currentOperator, may, type Role } from '@/lib/auth/guard';
import { readIotConfig, type IotMode } from '@/lib/aws/config';

import { signOutAction } from '../(auth)/signin/actions';

// The badge reflects the runtime environment (IOT_MODE, AWS_REGION), not the build machine's.
export const dynamic = 'force-dynamic';

/** Each page with the least role that may open it: the nav shows a person only the pages their role opens. */
const NAV_ITEMS: readonly (NavItem & { need: Role })[] = [
  { href: '/onboard', label: 'Onboard a device', need: 'operator' },
  { href: '/bulk', label: 'Bulk onboarding', need: 'operator' },
  { href: '/things', label: 'Things', need: 'viewer' },
  { href: '/certificates', label: 'Certificates', need: 'viewer' },
  { href: '/cas', label: 'CAs & JITP', need: 'viewer' },
  { href: '/policies', label: 'Policies', need: 'viewer' },
  { href: '/provisioning', label: 'Fleet provisioning', need: 'admin' },
  { href: '/mqtt', label: 'MQTT test client', need: 'viewer' },
  { href: '/users', label: 'Users', need: 'admin' },
  { href: '/audit', label: 'Audit trail', need: 'admin' },
  { href: '/settings', label: 'Settings', need: 'viewer' },
];

function currentTarget(): { mode: IotMode | 'unknown'; region: string } {
  try {
    const { mode, region } = readIotConfig();
    return { mode, region };
  } catch {
    return { mode: 'unknown', region: process.env.AWS_REGION ?? 'us-east-1' };
  }
}

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  // Each page redirects to sign-in itself (with its own path to come back to), as every action and
  // route handler checks on its own; without a session the layout only withholds the console chrome.
  const operator = await currentOperator();
  if (!operator) return <>{children}</>;
  const target = currentTarget();
  const items = NAV_ITEMS.filter((item) => may(operator, item.need)).map(({ href, label }) => ({ href, label }));
  return (
    <div className="flex min-h-screen">
      <aside className="flex w-56 shrink-0 flex-col gap-6 bg-slate-900 px-3 py-5">
        <Link href="/things" className="px-3 text-base font-semibold tracking-tight text-white">
          IoT Onboarding
        </Link>
        <ConsoleNav items={items} />
        <div className="mt-auto space-y-3">
          <TargetBadge mode={target.mode} region={target.region} />
          <form action={signOutAction} className="space-y-1 px-3 text-xs text-slate-400">
            <p>
              Signed in as {operator.name} <span className="text-slate-500">({operator.role})</span>
            </p>
            <button
              type="submit"
              className="rounded px-0 text-slate-200 underline-offset-2 hover:text-white hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-400"
            >
              Sign out
            </button>
          </form>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-8 py-8">
        <SessionKeepAlive />
        <ToastProvider>{children}</ToastProvider>
      </main>
    </div>
  );
}
