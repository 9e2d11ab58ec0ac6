import { NextResponse } from 'next/server';
import { z } from 'zod';

import { recordAudit } from '@/lib/audit/record';
import { routeGuard } from '@/lib/auth/guard';
import { bulkJobs } from '@/lib/server/services';

/**
 * A bulk job's status for the page's polling: the job, counts, rate, ETA and each device's status (no
 * PEMs), for viewers and up. `?certificates=1` adds every done device's certificate (public) for the zip the
 * page builds: a bundle download, for operators and up. Never cached; session and role checked first. The job
 * may be running on another dashboard instance: its progress is read from the database then.
 */
export const dynamic = 'force-dynamic';

export async function GET(request: Request, ctx: { params: Promise<{ id: string }> }) {
  const guard = await routeGuard(request, 'viewer');
  if (!guard.ok) return guard.response;
  const wantCertificates = new URL(request.url).searchParams.get('certificates') === '1';
  if (wantCertificates) {
    const mayDownload = await routeGuard(request, 'operator');
    if (!mayDownload.ok) return mayDownload.response;
  }
  const { id } = await ctx.params;
  const jobs = await bulkJobs();
  // Job ids are UUIDs: anything else (a NUL, a traversal) names no job and never reaches the database.
  const view = z.uuid().safeParse(id).success ? await jobs.view(id) : undefined;
  if (!view)
    return NextResponse.json(
      { message: 'There is no such job.' },
      { status: 404, headers: { 'cache-control': 'no-store' } },
    );
  if (!wantCertificates) return NextResponse.json(view, { headers: { 'cache-control': 'no-store' } });
  const certificates = await jobs.certificates(id);
  await recordAudit(
    guard.operator,
    {
      action: 'bundle.download',
      resource: { type: 'bulk-job', id },
      outcome: 'success',
      details: { jobName: view.job.name, certificates: certificates.length },
    },
    request.headers,
  );
  const body = { ...view, certificates };
  return NextResponse.json(body, { headers: { 'cache-control': 'no-store' } });
}
