import Link from 'next/link';
import type { ReactNode } from 'react';

import { ConsoleNav, type NavItem } from '@/components/console/nav';
import { TargetBadge } from '@/components/console/target-badge';
import { readIotConfig, type IotMode } from '@/lib/aws/config';

// The badge reflects the runtime environment (IOT_MODE, AWS_REGION), not the build machine's.
export const dynamic = 'force-dynamic';

// Only sections that exist; Certificates, Policies and Onboard join as they are built.
const NAV_ITEMS: readonly NavItem[] = [
  { href: '/things', label: 'Things' },
  { href: '/settings', label: 'Settings' },
];

function currentTarget(): { mode: IotMode | 'unknown'; region: string } {
  try {
    const { mode, region } = readIotConfig();
    return { mode, region };
  } catch {
    return { mode: 'unknown', region: process.env.AWS_REGION ?? 'us-east-1' };
  }
}

export default function ConsoleLayout({ children }: { children: ReactNode }) {
  const target = currentTarget();
  return (
    <div className="flex min-h-screen">
      <aside className="flex w-56 shrink-0 flex-col gap-6 bg-slate-900 px-3 py-5">
        <Link href="/things" className="px-3 text-base font-semibold tracking-tight text-white">
          IoT Onboarding
        </Link>
        <ConsoleNav items={NAV_ITEMS} />
        <div className="mt-auto">
          <TargetBadge mode={target.mode} region={target.region} />
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-8 py-8">{children}</main>
    </div>
  );
}
