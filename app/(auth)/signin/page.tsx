import type { Metadata } from 'next';
import { redirect } from 'next/navigation';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { currentOperator } from '@/lib/auth/guard';
import { NO_ROLE_ERROR } from '@/lib/auth/oidc-sign-in';
import { noRoleMessage, oidcConfigFromEnv } from '@/lib/auth/oidc';
import { safeReturnPath } from '@/lib/auth/return-path';
import { usersRepository } from '@/lib/db/users';
import { dashboardDatabase } from '@/lib/server/services';

import { signInWithSsoAction } from './actions';
import { SignInForm } from './sign-in-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in' };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The single sign-on settings, or why they are unusable (the page says so instead of failing). */
function singleSignOn(): { name: string } | { problem: string } | undefined {
  try {
    const config = oidcConfigFromEnv();
    return config ? { name: config.name } : undefined;
  } catch (err) {
    return { problem: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Why single sign-on sent the person back here, in our own words: the address bar's error_description is
 * anyone's text (a link can carry any), so only the error code is read.
 */
function ssoRefusal(code: string | undefined, providerName: string): string | undefined {
  if (!code) return undefined;
  if (code === NO_ROLE_ERROR) return noRoleMessage(providerName);
  if (code === 'access_denied') return `${providerName} did not let you sign in (access denied).`;
  return `Single sign-on did not complete (${code.replace(/[^\w.-]/g, '').slice(0, 60)}). Try again, or ask an admin.`;
}

async function noUserYet(): Promise<boolean> {
  try {
    return (await usersRepository((await dashboardDatabase()).db).count()) === 0;
  } catch {
    return false;
  }
}

export default async function SignInPage(props: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await props.searchParams;
  const next = first(params.next);
  if (await currentOperator()) redirect(safeReturnPath(next));
  const sso = singleSignOn();
  const providerName = sso && 'name' in sso ? sso.name : 'Single sign-on';
  const refusal = ssoRefusal(first(params.error), providerName);
  const local = (process.env.IOT_MODE ?? 'local').trim().toLowerCase() !== 'aws';
  const empty = await noUserYet();
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-100 px-4">
      <div className="w-full max-w-sm space-y-6 rounded-xl bg-white p-8 shadow-sm ring-1 ring-slate-200">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">IoT Onboarding</h1>
          <p className="mt-1 text-sm text-slate-600">Sign in to manage your devices.</p>
        </div>
        {refusal ? (
          <Alert tone="error" title="Not signed in">
            {refusal}
          </Alert>
        ) : null}
        {empty ? (
          <Alert tone="warning" title="No account yet">
            {local
              ? 'The first admin is being made; its password is printed in the terminal that started the dashboard.'
              : 'Set DASHBOARD_ADMIN_PASSWORD (12+ characters) and restart the dashboard to create the first admin.'}
          </Alert>
        ) : null}
        <SignInForm next={next} />
        {sso && 'name' in sso ? (
          <form action={signInWithSsoAction} className="border-t border-slate-200 pt-6">
            <input type="hidden" name="next" value={next ?? ''} />
            <Button type="submit" variant="secondary" className="w-full">
              Sign in with {sso.name}
            </Button>
          </form>
        ) : null}
        {sso && 'problem' in sso ? (
          <Alert tone="warning" title="Single sign-on is not set up right">
            {sso.problem}
          </Alert>
        ) : null}
        {local ? (
          <p className="text-xs text-slate-500">
            Local mode: the first admin&apos;s password was printed once, when the dashboard first started. Admins add
            people on the Users page.
          </p>
        ) : null}
      </div>
    </main>
  );
}
