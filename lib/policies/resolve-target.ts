import 'server-only';

import { describeCertificate } from '@/lib/aws/certificates';
import { AppError, toAppError } from '@/lib/aws/errors';

import { parseCertificateRef } from './targets';

/**
 * A certificate id or ARN typed by an operator, checked against AWS: the certificate's ARN, or an
 * AppError saying it does not exist. An ARN is looked up by its id and must match exactly (another
 * account's or region's ARN would be refused by AttachPolicy with a less helpful message).
 */
export async function resolveCertificateTarget(
  input: string,
): Promise<{ arn: string; certificateId: string; status: string | undefined }> {
  const ref = parseCertificateRef(input);
  if (!ref)
    throw new AppError('invalid_request', 'Enter a certificate id (64 hexadecimal characters) or a certificate ARN.');
  let arn: string;
  let status: string;
  try {
    ({ arn, status } = await describeCertificate(ref.certificateId));
  } catch (err) {
    const app = toAppError(err);
    if (app.code === 'not_found') {
      throw new AppError(
        'not_found',
        `No certificate with id ${ref.certificateId} exists in this account and region.`,
        {
          source: app.source,
          cause: app,
        },
      );
    }
    throw app;
  }
  if (!arn) throw new AppError('internal', 'AWS IoT described the certificate without an ARN.');
  if (ref.kind === 'arn' && ref.arn !== arn) {
    throw new AppError(
      'not_found',
      `That ARN is not a certificate of this account and region; the certificate with that id is ${arn}.`,
    );
  }
  return { arn, certificateId: ref.certificateId, status };
}
