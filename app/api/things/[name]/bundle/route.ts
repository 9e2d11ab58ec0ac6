import { unauthorizedResponse } from '@/lib/auth/session';
import { appErrorResponse, errorResponse } from '@/lib/http/errors';
import { redownloadBundle } from '@/lib/onboarding/redownload';
import { thingName } from '@/lib/validation/iot-names';

/**
 * GET /api/things/<name>/bundle: the thing's credential bundle again, built on the server from its first
 * ACTIVE certificate: certificate, root CA, endpoint and device settings, never a private key.
 */
export const dynamic = 'force-dynamic';

export async function GET(_request: Request, context: { params: Promise<{ name: string }> }): Promise<Response> {
  const denied = await unauthorizedResponse();
  if (denied) return denied;

  const { name } = await context.params;
  const parsed = thingName.safeParse(name);
  if (!parsed.success) {
    return errorResponse(400, `Not a thing name: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  }

  try {
    const result = await redownloadBundle(parsed.data);
    if (!result.ok) {
      const error =
        result.reason === 'no_thing'
          ? `There is no thing named ${parsed.data}.`
          : `Thing ${parsed.data} has no ACTIVE certificate attached, so there is nothing to put in a bundle.`;
      return errorResponse(404, error);
    }
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
    return appErrorResponse(err);
  }
}
