import 'server-only';

import {
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  UpdateCertificateCommand,
  type Certificate as SdkCertificate,
  type CertificateDescription,
} from '@aws-sdk/client-iot';

import { mapLimited } from '../async/map-limited';
import { CERTIFICATE_STATUSES, type CertificateStatus } from '../iot/certificate-status';
import { awsErrorMessage, awsErrorName, type CallOptions, callIot, clampPage, shortId } from './call';
import { AppError } from './errors';
import { listPrincipalThings } from './principals';

/**
 * Device certificates: list, describe, change status, delete; making and registering them is in
 * certificate-issuing.ts. Deleting one with everything attached to it (AWS's order: detach policies and
 * things, deactivate, delete) is a workflow: lib/certificates/delete.ts.
 */

export { CERTIFICATE_STATUSES, type CertificateStatus };

/** The statuses an operator may set with UpdateCertificate (the others are AWS IoT's own). */
export const SETTABLE_STATUSES = ['ACTIVE', 'INACTIVE', 'REVOKED'] as const;
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

/** The statuses a registered certificate may start in. */
export const REGISTRATION_STATUSES = ['ACTIVE', 'INACTIVE'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/** DEFAULT: AWS-issued, or signed by a CA registered in DEFAULT mode; SNI_ONLY: registered without a CA (or with an SNI_ONLY CA). */
export type CertificateMode = 'DEFAULT' | 'SNI_ONLY' | 'unknown';

export interface CertificateSummary {
  id: string;
  arn: string;
  status: CertificateStatus;
  mode: CertificateMode;
  createdAt: Date | undefined;
}

export interface CertificateDetails extends CertificateSummary {
  pem: string;
  /** The registered CA that signed it; AWS sends none for its own certificates nor for one registered without a CA. */
  caCertificateId: string | undefined;
  ownedBy: string | undefined;
  lastModifiedAt: Date | undefined;
  notBefore: Date | undefined;
  notAfter: Date | undefined;
  customerVersion: number | undefined;
}

/**
 * Who vouches for a certificate: AWS IoT's own issuing CA (CreateKeysAndCertificate, CreateCertificateFromCsr),
 * a CA the operator registered (RegisterCACertificate), or nobody (RegisterCertificateWithoutCA).
 */
export type IssuerKind = 'aws' | 'registered-ca' | 'none';

export interface CertificateRow extends CertificateSummary {
  caCertificateId: string | undefined;
  issuer: IssuerKind;
  notAfter: Date | undefined;
  /** Things the certificate is attached to; undefined when that lookup failed (the row still shows). */
  things: string[] | undefined;
}

const asStatus = (s: string | undefined): CertificateStatus =>
  (CERTIFICATE_STATUSES as readonly string[]).includes(s ?? '') ? (s as CertificateStatus) : 'INACTIVE';

const asMode = (m: string | undefined): CertificateMode => (m === 'DEFAULT' || m === 'SNI_ONLY' ? m : 'unknown');

function toSummary(raw: SdkCertificate): CertificateSummary {
  return {
    id: raw.certificateId ?? '',
    arn: raw.certificateArn ?? '',
    status: asStatus(raw.status),
    mode: asMode(raw.certificateMode),
    createdAt: raw.creationDate,
  };
}

function toDetails(raw: CertificateDescription): CertificateDetails {
  return {
    id: raw.certificateId ?? '',
    arn: raw.certificateArn ?? '',
    status: asStatus(raw.status),
    mode: asMode(raw.certificateMode),
    createdAt: raw.creationDate,
    pem: raw.certificatePem ?? '',
    caCertificateId: raw.caCertificateId || undefined,
    ownedBy: raw.ownedBy,
    lastModifiedAt: raw.lastModifiedDate,
    notBefore: raw.validity?.notBefore,
    notAfter: raw.validity?.notAfter,
    customerVersion: raw.customerVersion,
  };
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface ListCertificatesInput {
  /** 1-250; AWS defaults to 25. */
  pageSize?: number;
  marker?: string;
  ascending?: boolean;
}

export interface ListCertificatesResult {
  certificates: CertificateSummary[];
  nextMarker?: string;
}

/** ListCertificates: one page. */
export async function listCertificates(
  input: ListCertificatesInput = {},
  options: CallOptions = {},
): Promise<ListCertificatesResult> {
  return callIot(
    'certificate list',
    async (client) => {
      const out = await client.send(
        new ListCertificatesCommand({
          pageSize: clampPage(input.pageSize),
          marker: input.marker || undefined,
          ascendingOrder: input.ascending,
        }),
      );
      const certificates = (out.certificates ?? []).map(toSummary);
      return out.nextMarker ? { certificates, nextMarker: out.nextMarker } : { certificates };
    },
    options,
  );
}

/**
 * Who vouches for a certificate, from what DescribeCertificate answers. AWS sends caCertificateId only for a
 * certificate signed by a CA registered in the account (RegisterCertificate, just-in-time registration); its own
 * certificates (CreateKeysAndCertificate, CreateCertificateFromCsr) come without one in DEFAULT mode, and one
 * registered without a CA comes without one in SNI_ONLY mode.
 */
export function issuerKind(cert: { caCertificateId?: string | undefined; mode: CertificateMode }): IssuerKind {
  if (cert.caCertificateId) return 'registered-ca';
  return cert.mode === 'SNI_ONLY' ? 'none' : 'aws';
}

/** DescribeCertificate. A missing certificate throws AppError `not_found`. */
export async function describeCertificate(
  certificateId: string,
  options: CallOptions = {},
): Promise<CertificateDetails> {
  const out = await callIot(
    `certificate ${shortId(certificateId)}`,
    (client) => client.send(new DescribeCertificateCommand({ certificateId })),
    options,
  );
  if (!out.certificateDescription)
    throw new AppError('not_found', `The certificate ${shortId(certificateId)} does not exist.`);
  return toDetails(out.certificateDescription);
}

export interface CertificateRowsInput {
  pageSize: number;
  marker?: string;
  /** Only certificates in this status. ListCertificates cannot filter, so pages are scanned (see below). */
  status?: CertificateStatus;
}

export interface CertificateRowsResult {
  rows: CertificateRow[];
  nextMarker?: string;
  /** How many certificates were read to find these rows (more than rows.length when filtering). */
  scanned: number;
}

/** How many ListCertificates pages one filtered view may read before it stops and offers "Next page". */
const MAX_SCAN_PAGES = 8;

/**
 * One page of the certificate list with what the table shows. ListCertificates returns neither the CA nor
 * the expiry nor the things, so each row costs a DescribeCertificate and a ListPrincipalThings call:
 * 2 x N requests, which is fine for a page of 25 (run at most 5 at a time to stay under AWS's certificate
 * API quotas), but it is why the page size is capped. With a status filter, AWS pages are read until a
 * page's worth matched, the list ended, or MAX_SCAN_PAGES were read, so a filtered page can hold up to
 * 2 x pageSize - 1 rows and the marker stays AWS's own.
 */
export async function listCertificateRows(input: CertificateRowsInput): Promise<CertificateRowsResult> {
  const matched: CertificateSummary[] = [];
  let marker = input.marker || undefined;
  let scanned = 0;
  for (let pages = 0; pages < MAX_SCAN_PAGES; pages++) {
    const page = await listCertificates({ pageSize: input.pageSize, marker });
    scanned += page.certificates.length;
    matched.push(...page.certificates.filter((c) => !input.status || c.status === input.status));
    marker = page.nextMarker;
    if (!input.status || !marker || matched.length >= input.pageSize) break;
  }

  const rows = await mapLimited(matched, 5, async (summary): Promise<CertificateRow> => {
    const [details, things] = await Promise.all([
      describeCertificate(summary.id).catch(() => undefined),
      listPrincipalThings(summary.arn).catch(() => undefined),
    ]);
    const caCertificateId = details?.caCertificateId;
    return {
      ...summary,
      status: details?.status ?? summary.status,
      caCertificateId,
      issuer: issuerKind(details ?? summary),
      notAfter: details?.notAfter,
      things,
    };
  });
  return marker ? { rows, nextMarker: marker, scanned } : { rows, scanned };
}

// ---------------------------------------------------------------------------------------------
// Changing

/** The refusals an operator can act on, in plain words (undefined: the generic mapping). */
function certificateError(err: unknown, action: string): AppError | undefined {
  const name = awsErrorName(err);
  const awsMessage = awsErrorMessage(err);
  const detail = awsMessage ? ` (AWS IoT: ${awsMessage})` : '';
  if (name === 'CertificateStateException') {
    return new AppError(
      'certificate_state',
      `AWS IoT would not ${action}: the certificate's current status does not allow it${detail}.`,
      { source: name, cause: err },
    );
  }
  if (name === 'DeleteConflictException') {
    return new AppError(
      'conflict',
      `AWS IoT would not ${action}: the certificate is still attached to a thing or a policy${detail}.`,
      { source: name, cause: err },
    );
  }
  return undefined;
}

/** UpdateCertificate: ACTIVE, INACTIVE or REVOKED. */
export async function updateCertificateStatus(
  certificateId: string,
  newStatus: SettableStatus,
  options: CallOptions = {},
): Promise<void> {
  const verb = newStatus === 'ACTIVE' ? 'activate it' : newStatus === 'INACTIVE' ? 'deactivate it' : 'revoke it';
  await callIot(
    `certificate ${shortId(certificateId)}`,
    (client) => client.send(new UpdateCertificateCommand({ certificateId, newStatus })),
    { ...options, mapError: (err) => certificateError(err, verb) },
  );
}

/**
 * DeleteCertificate. AWS refuses an ACTIVE certificate (CertificateStateException) and one still attached to a
 * thing or a policy (DeleteConflictException); lib/certificates/delete.ts does the whole clean-up in order.
 */
export async function deleteCertificate(certificateId: string, options: CallOptions = {}): Promise<void> {
  await callIot(
    `certificate ${shortId(certificateId)}`,
    (client) => client.send(new DeleteCertificateCommand({ certificateId })),
    { ...options, mapError: (err) => certificateError(err, 'delete it') },
  );
}
