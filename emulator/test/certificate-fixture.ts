import { randomBytes } from 'node:crypto';
import { arns } from '../config';
import type { CertificateRecord } from '../store/records';
import type { TestEmulator } from './harness';

/**
 * Puts a certificate straight into the store, as CreateKeysAndCertificate would leave it, so that tests
 * of policies and thing principals do not depend on the certificate routes. Returns its ARN.
 */
export function insertCertificate(t: TestEmulator, status: CertificateRecord['status'] = 'ACTIVE'): string {
  const id = randomBytes(32).toString('hex');
  const arn = arns(t.emulator.config).cert(id);
  const now = Date.now();
  t.emulator.context.store.commit((tx) =>
    tx.put('certificates', id, {
      certificateId: id,
      certificateArn: arn,
      certificatePem: '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n',
      status,
      certificateMode: 'DEFAULT',
      ownedBy: t.emulator.config.accountId,
      creationDate: now,
      lastModifiedDate: now,
      customerVersion: 1,
      generationId: randomBytes(16).toString('hex'),
      notBefore: now,
      notAfter: now + 365 * 86_400_000,
    }),
  );
  return arn;
}
