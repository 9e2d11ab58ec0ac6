import { unauthorizedResponse } from '@/lib/auth/session';
import { toAppError, type AppErrorCode } from '@/lib/aws/errors';
import { redownloadBundle } from '@/lib/onboarding/redownload';
import { thingName } from '@/lib/validation/iot-names';

/**
 * GET /api/things/<name>/bundle: the thing's credential bundle again, built on the server from its first
 * ACTIVE certificate: certificate, root CA, endpoint and device settings, never a private key.
 */
export const dynamic = 'force-dynamic';

/** AWS's trouble is an upstream problem (502/503), never a bare 500. */
const STATUS_BY_CODE: Partial<Record<AppErrorCode, number>> = {
  not_found: 404,
  invalid_request: 400,
  throttled: 429,
  unavailable: 503,
  unauthorized: 502,
  misconfigured: 503,
};

export async function GET(_request: Request, context: { params: Promise<{ name: string }> }): Promise<Response> {
  const denied = await unauthorizedResponse();
  if (denied) return denied;

  const { name } = await context.params;
  const parsed = thingName.safeParse(name);
  if (!parsed.success) {
    return Response.json(
      { error: `Not a thing name: ${parsed.error.issues[0]?.message ?? 'invalid'}.` },
      { status: 400 },
    );
  }

  try {
    const result = await redownloadBundle(parsed.data);
    if (!result.ok) {
      const error =
        result.reason === 'no_thing'
          ? `There is no thing named ${parsed.data}.`
          : `Thing ${parsed.data} has no ACTIVE certificate attached, so there is nothing to put in a bundle.`;
      return Response.json({ error }, { status: 404 });
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
    const e = toAppError(err);
    return Response.json({ error: e.message }, { status: STATUS_BY_CODE[e.code] ?? 502 });
  }
}
