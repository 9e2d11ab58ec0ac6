import { unauthorizedResponse } from '@/lib/auth/session';
import { describeCertificate } from '@/lib/aws/certificates';
import { toAppError } from '@/lib/aws/errors';
import { certificateId } from '@/lib/validation/iot-names';

export const dynamic = 'force-dynamic';

const STATUS_BY_CODE: Record<string, number> = {
  not_found: 404,
  invalid_request: 400,
  throttled: 503,
  unavailable: 503,
  unauthorized: 502,
  misconfigured: 500,
};

/** GET /api/certificates/{id}/pem: the certificate as a file, named as the AWS console names it. */
export async function GET(_request: Request, props: { params: Promise<{ id: string }> }): Promise<Response> {
  const denied = await unauthorizedResponse();
  if (denied) return denied;

  const { id: rawId } = await props.params;
  const parsed = certificateId.safeParse(rawId);
  if (!parsed.success) {
    return Response.json({ error: 'Not a certificate id: expected 64 hexadecimal characters.' }, { status: 400 });
  }
  const id = parsed.data.replace(/^0x/, '').toLowerCase();

  try {
    const cert = await describeCertificate(id);
    // The id is validated hex, so the file name needs no escaping.
    const fileName = `${id.slice(0, 10)}-certificate.pem.crt`;
    const body = cert.pem.endsWith('\n') ? cert.pem : `${cert.pem}\n`;
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'application/x-pem-file',
        'content-disposition': `attachment; filename="${fileName}"`,
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  } catch (err) {
    const e = toAppError(err);
    return Response.json({ error: e.message }, { status: STATUS_BY_CODE[e.code] ?? 502 });
  }
}
