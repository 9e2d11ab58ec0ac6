import { recordAudit } from '@/lib/audit/record';
import { routeGuard } from '@/lib/auth/guard';
import { errorResponse } from '@/lib/http/errors';
import { HANDOFF_TOKEN_PATTERN, takeClaimBundle } from '@/lib/provisioning/claim-handoff';

/**
 * GET /api/provisioning/claims/<token>: a trusted-user claim bundle, once, for the installer's app that scanned
 * the QR code (lib/provisioning/claim-handoff.ts says why the link is not the credential). Admins only, like
 * every claim; the download is an audit event.
 */
export const dynamic = 'force-dynamic';

export async function GET(request: Request, context: { params: Promise<{ token: string }> }): Promise<Response> {
  const guard = await routeGuard(request, 'admin');
  if (!guard.ok) return guard.response;
  const { token } = await context.params;
  const handoff = HANDOFF_TOKEN_PATTERN.test(token) ? takeClaimBundle(token) : undefined;
  if (!handoff) {
    return errorResponse(
      404,
      'This claim link has been used or has expired (claims are good for five minutes). Ask for a new claim.',
    );
  }
  await recordAudit(
    guard.operator,
    {
      action: 'provisioning.claim-bundle-download',
      resource: { type: 'provisioning-template', id: handoff.templateName },
      related: [handoff.certificateId],
      outcome: 'success',
      details: { through: 'qr-link', fileName: handoff.fileName },
    },
    request.headers,
  );
  return new Response(new Uint8Array(handoff.zip), {
    status: 200,
    headers: {
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="${handoff.fileName}"`,
      'cache-control': 'no-store',
    },
  });
}
