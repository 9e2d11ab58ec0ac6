import { routeGuard } from '@/lib/auth/guard';

/**
 * GET /api/session: who is signed in (name and role, never the token). Asking moves the session's idle
 * timeout forward and renews its cookie: the console's keep-alive (components/console/session-keep-alive.tsx)
 * calls it as the operator moves between pages.
 */
export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const guard = await routeGuard(request, 'viewer');
  if (!guard.ok) return guard.response;
  const { name, role } = guard.operator;
  return Response.json({ name, role }, { headers: { 'cache-control': 'no-store' } });
}
