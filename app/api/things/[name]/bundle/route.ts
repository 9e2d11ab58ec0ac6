import { recordAudit } from '@/lib/audit/record';
import { routeGuard } from '@/lib/auth/guard';
import { toAppError } from '@/lib/aws/errors';
import { appErrorResponse, errorResponse } from '@/lib/http/errors';
import { redownloadBundle } from '@/lib/onboarding/redownload';
import { thingName } from '@/lib/validation/iot-names';

/**
 * GET /api/things/<name>/bundle: the thing's credential bundle again, built on the server from its first
 * ACTIVE certificate: certificate, root CA, endpoint and device settings, never a private key. Operators and
 * admins only (a bundle is what a device needs to connect); every download is an audit event.
 */
export const dynamic = 'force-dynamic';

export async function GET(request: Request, context: { params: Promise<{ name: string }> }): Promise<Response> {
  const guard = await routeGuard(request, 'operator');
  if (!guard.ok) return guard.response;

  const { name } = await context.params;
  const parsed = thingName.safeParse(name);
  if (!parsed.success) {
    return errorResponse(400, `Not a thing name: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  }

  const event = { action: 'bundle.redownload', resource: { type: 'thing', id: parsed.data } };
  try {
    const result = await redownloadBundle(parsed.data);
    if (!result.ok) {
      const error =
        result.reason === 'no_thing'
          ? `There is no thing named ${parsed.data}.`
          : `Thing ${parsed.data} has no ACTIVE certificate attached, so there is nothing to put in a bundle.`;
      await recordAudit(guard.operator, { ...event, outcome: 'failure', details: { error } }, request.headers);
      return errorResponse(404, error);
    }
    await recordAudit(
      guard.operator,
      { ...event, outcome: 'success', related: [result.certificateId], details: { fileName: result.fileName } },
      request.headers,
    );
    return new Response(new Uint8Array(result.zip), {
      status: 200,
      headers: {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="${result.fileName}"; filename*=UTF-8''${encodeURIComponent(result.fileName)}`,
        'cache-control': 'no-store',
        'x-certificate-id': result.certificateId,
      },
    });
  } catch (err) {
    const e = toAppError(err);
    await recordAudit(
      guard.operator,
      { ...event, outcome: 'failure', awsRequestId: e.requestId, details: { error: e.message } },
      request.headers,
    );
    return appErrorResponse(err);
  }
}
