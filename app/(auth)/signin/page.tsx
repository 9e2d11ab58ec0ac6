import type { Metadata } from 'next';
import { redirect } from 'next/navigation';

import { safeReturnPath } from '@/lib/auth/return-path';
import { getSession } from '@/lib/auth/session';
import { readIotConfig } from '@/lib/aws/config';

import { SignInForm } from './sign-in-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage(props: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { next } = await props.searchParams;
  if (await getSession()) redirect(safeReturnPath(next));
  let local = true;
  try {
    local = readIotConfig().mode === 'local';
  } catch {
    local = true;
  }
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-100 px-4">
      <div className="w-full max-w-sm rounded-xl bg-white p-8 shadow-sm ring-1 ring-slate-200">
        <h1 className="text-xl font-semibold text-slate-900">IoT Onboarding</h1>
        <p className="mt-1 mb-6 text-sm text-slate-600">Sign in to manage your devices.</p>
        <SignInForm next={typeof next === 'string' ? next : undefined} />
        {local ? (
          <p className="mt-6 text-xs text-slate-500">
            Local mode: the password was printed when the dashboard started (<code>npm start</code>) and is kept in{' '}
            <code>.data/dashboard/password</code>.
          </p>
        ) : null}
      </div>
    </main>
  );
}
