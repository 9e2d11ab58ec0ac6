/**
 * A certificate's status as AWS IoT names it: one list for the dashboard (lib/aws/certificates.ts, the status badge
 * and filter) and the local IoT Core's registry (its records and request parsing). Pure.
 */
export const CERTIFICATE_STATUSES = [
  'ACTIVE',
  'INACTIVE',
  'REVOKED',
  'PENDING_TRANSFER',
  'REGISTER_INACTIVE',
  'PENDING_ACTIVATION',
] as const;

export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];
