import { routeGuard } from '@/lib/auth/guard';
import { describeCertificate } from '@/lib/aws/certificates';
import { appErrorResponse, errorResponse } from '@/lib/http/errors';
import { certificateId } from '@/lib/validation/iot-names';

export const dynamic = 'force-dynamic';

/** GET /api/certificates/{id}/pem: the certificate as a file, named as the AWS console names it. */
export async function GET(request: Request, props: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await routeGuard(request, 'viewer');
  if (!guard.ok) return guard.response;

  const { id: rawId } = await props.params;
  const parsed = certificateId.safeParse(rawId);
  if (!parsed.success) {
    return errorResponse(400, 'Not a certificate id: expected 64 hexadecimal characters.');
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
    return appErrorResponse(err);
  }
}
