import { NextResponse } from 'next/server';

import { unauthorizedResponse } from '@/lib/auth/session';
import { bulkJobRunner } from '@/lib/server/services';

/**
 * A bulk job's status for the page's polling: the job, counts, rate, ETA and each device's status (no
 * PEMs). `?certificates=1` adds every done device's certificate (public) for the zip the page builds.
 * Never cached; session checked first.
 */
export const dynamic = 'force-dynamic';

export async function GET(request: Request, ctx: { params: Promise<{ id: string }> }) {
  const denied = await unauthorizedResponse();
  if (denied) return denied;
  const { id } = await ctx.params;
  const runner = bulkJobRunner();
  const view = runner.view(id);
  if (!view)
    return NextResponse.json(
      { message: 'There is no such job.' },
      { status: 404, headers: { 'cache-control': 'no-store' } },
    );
  const wantCertificates = new URL(request.url).searchParams.get('certificates') === '1';
  const body = wantCertificates ? { ...view, certificates: runner.certificates(id) } : view;
  return NextResponse.json(body, { headers: { 'cache-control': 'no-store' } });
}
