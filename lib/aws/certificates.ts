import 'server-only';

import {
  DescribeCertificateCommand,
  ListAttachedPoliciesCommand,
  ListCACertificatesCommand,
  ListCertificatesCommand,
  RegisterCertificateCommand,
  RegisterCertificateWithoutCACommand,
  UpdateCertificateCommand,
  type Certificate as SdkCertificate,
  type CertificateDescription,
} from '@aws-sdk/client-iot';

import { getIotClient } from './client';
import { thingsOfCertificate } from './cleanup';
import { describeControlEndpoint, readIotConfig } from './config';
import { AppError, toAppError } from './errors';
import { mapLimited } from '../async/map-limited';
import { CERTIFICATE_STATUSES, type CertificateStatus } from '../iot/certificate-status';

/**
 * Device certificates: list, describe, change status, register existing ones. Deleting goes through
 * lib/aws/cleanup.ts (deleteCertificateFully), which also detaches policies and things in AWS's order.
 */

export { CERTIFICATE_STATUSES, type CertificateStatus };

/** The statuses an operator may set with UpdateCertificate (the others are AWS IoT's own). */
export const SETTABLE_STATUSES = ['ACTIVE', 'INACTIVE', 'REVOKED'] as const;
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

/** The statuses a registered certificate may start in. */
export const REGISTRATION_STATUSES = ['ACTIVE', 'INACTIVE'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/** DEFAULT: the CA is known (AWS-issued or a registered CA); SNI_ONLY: registered without a CA. */
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
  /** The CA that signed it, as AWS IoT knows it; absent for a certificate registered without a CA. */
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

const shortId = (id: string) => `${id.slice(0, 10)}…`;

function context(resource: string) {
  const config = readIotConfig();
  return { config, ctx: { resource, endpoint: describeControlEndpoint(config) } };
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

const clampPageSize = (n: number | undefined) =>
  n === undefined ? undefined : Math.min(Math.max(Math.trunc(n), 1), 250);

export async function listCertificates(input: ListCertificatesInput = {}): Promise<ListCertificatesResult> {
  const { config, ctx } = context('certificate list');
  try {
    const out = await getIotClient(config).send(
      new ListCertificatesCommand({
        pageSize: clampPageSize(input.pageSize),
        marker: input.marker || undefined,
        ascendingOrder: input.ascending,
      }),
    );
    const certificates = (out.certificates ?? []).map(toSummary);
    return out.nextMarker ? { certificates, nextMarker: out.nextMarker } : { certificates };
  } catch (err) {
    throw toAppError(err, ctx);
  }
}

/** Ids of every CA certificate registered in this account and region (ListCACertificates, all pages). */
export async function listRegisteredCaIds(): Promise<Set<string>> {
  const { config, ctx } = context('CA certificate list');
  const ids = new Set<string>();
  try {
    let marker: string | undefined;
    do {
      const out = await getIotClient(config).send(new ListCACertificatesCommand({ pageSize: 250, marker }));
      for (const ca of out.certificates ?? []) if (ca.certificateId) ids.add(ca.certificateId);
      marker = out.nextMarker || undefined;
    } while (marker);
    return ids;
  } catch (err) {
    throw toAppError(err, ctx);
  }
}

export function issuerKind(caCertificateId: string | undefined, registeredCaIds: ReadonlySet<string>): IssuerKind {
  if (!caCertificateId) return 'none';
  return registeredCaIds.has(caCertificateId) ? 'registered-ca' : 'aws';
}

export async function describeCertificate(certificateId: string): Promise<CertificateDetails> {
  const { config, ctx } = context(`certificate ${shortId(certificateId)}`);
  try {
    const out = await getIotClient(config).send(new DescribeCertificateCommand({ certificateId }));
    if (!out.certificateDescription)
      throw new AppError('not_found', `The certificate ${shortId(certificateId)} does not exist.`);
    return toDetails(out.certificateDescription);
  } catch (err) {
    throw toAppError(err, ctx);
  }
}

/** Policies attached directly to the certificate (ListAttachedPolicies, all pages). */
export async function policiesOfCertificate(certificateArn: string): Promise<string[]> {
  const { config, ctx } = context('certificate policies');
  const names: string[] = [];
  try {
    let marker: string | undefined;
    do {
      const out = await getIotClient(config).send(
        new ListAttachedPoliciesCommand({ target: certificateArn, marker, pageSize: 250, recursive: false }),
      );
      for (const p of out.policies ?? []) if (p.policyName) names.push(p.policyName);
      marker = out.nextMarker || undefined;
    } while (marker);
    return names;
  } catch (err) {
    throw toAppError(err, ctx);
  }
}

export { thingsOfCertificate };

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

  const caIds = await listRegisteredCaIds();
  const rows = await mapLimited(matched, 5, async (summary): Promise<CertificateRow> => {
    const [details, things] = await Promise.all([
      describeCertificate(summary.id).catch(() => undefined),
      thingsOfCertificate(summary.arn).catch(() => undefined),
    ]);
    const caCertificateId = details?.caCertificateId;
    return {
      ...summary,
      status: details?.status ?? summary.status,
      caCertificateId,
      issuer: details ? issuerKind(caCertificateId, caIds) : summary.mode === 'SNI_ONLY' ? 'none' : 'aws',
      notAfter: details?.notAfter,
      things,
    };
  });
  return marker ? { rows, nextMarker: marker, scanned } : { rows, scanned };
}

// ---------------------------------------------------------------------------------------------
// Changing

/** The refusals an operator can act on, in plain words. */
function certificateError(err: unknown, certificateId: string, action: string): AppError {
  const { ctx } = context(`certificate ${shortId(certificateId)}`);
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  const awsMessage = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  const detail = typeof awsMessage === 'string' && awsMessage ? ` (AWS IoT: ${awsMessage})` : '';
  if (name === 'CertificateStateException') {
    return new AppError(
      'certificate_state',
      `AWS IoT would not ${action}: the certificate's current status does not allow it${detail}.`,
      {
        source: name,
        cause: err,
      },
    );
  }
  if (name === 'DeleteConflictException') {
    return new AppError(
      'conflict',
      `AWS IoT would not ${action}: the certificate is still attached to a thing or a policy${detail}.`,
      {
        source: name,
        cause: err,
      },
    );
  }
  return toAppError(err, ctx);
}

export async function updateCertificateStatus(certificateId: string, newStatus: SettableStatus): Promise<void> {
  const config = readIotConfig();
  try {
    await getIotClient(config).send(new UpdateCertificateCommand({ certificateId, newStatus }));
  } catch (err) {
    const verb = newStatus === 'ACTIVE' ? 'activate it' : newStatus === 'INACTIVE' ? 'deactivate it' : 'revoke it';
    throw certificateError(err, certificateId, verb);
  }
}

/** AWS answered ResourceAlreadyExistsException: the same certificate (same DER, same id) is registered. */
export class CertificateAlreadyRegisteredError extends AppError {
  readonly certificateId: string | undefined;
  constructor(certificateId: string | undefined, cause: unknown) {
    super('already_exists', 'This certificate is already registered in AWS IoT.', {
      source: 'ResourceAlreadyExistsException',
      cause,
    });
    this.certificateId = certificateId;
  }
}

export interface RegisteredCertificate {
  certificateId: string;
  certificateArn: string;
}

export interface RegisterCertificateInput {
  certificatePem: string;
  /** The PEM of the CA that signed it; that CA must already be registered (RegisterCACertificate) and ACTIVE. */
  caCertificatePem?: string;
  status: RegistrationStatus;
}

function registrationError(err: unknown, withCa: boolean): AppError {
  const { ctx } = context('certificate');
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: unknown;
    message?: unknown;
    resourceId?: unknown;
  };
  const awsMessage = typeof e.message === 'string' ? e.message : '';
  if (e.name === 'ResourceAlreadyExistsException') {
    return new CertificateAlreadyRegisteredError(typeof e.resourceId === 'string' ? e.resourceId : undefined, err);
  }
  if (e.name === 'CertificateValidationException') {
    return new AppError(
      'invalid_request',
      `AWS IoT refused the certificate: ${awsMessage || 'it did not pass validation.'}`,
      {
        source: 'CertificateValidationException',
        cause: err,
      },
    );
  }
  if (e.name === 'CertificateStateException') {
    return new AppError(
      'certificate_state',
      withCa
        ? `AWS IoT refused the certificate because of its CA's status: ${awsMessage || 'the CA must be ACTIVE.'}`
        : `AWS IoT refused the certificate's status: ${awsMessage}`,
      { source: 'CertificateStateException', cause: err },
    );
  }
  if (e.name === 'CertificateConflictException') {
    return new AppError('conflict', `AWS IoT could not tell which CA signed the certificate: ${awsMessage}`, {
      source: 'CertificateConflictException',
      cause: err,
    });
  }
  return toAppError(err, ctx);
}

/** RegisterCertificate: a device certificate signed by a CA registered in this account and region. */
export async function registerCertificate(input: RegisterCertificateInput): Promise<RegisteredCertificate> {
  const config = readIotConfig();
  try {
    const out = await getIotClient(config).send(
      new RegisterCertificateCommand({
        certificatePem: input.certificatePem,
        caCertificatePem: input.caCertificatePem || undefined,
        status: input.status,
      }),
    );
    return { certificateId: out.certificateId ?? '', certificateArn: out.certificateArn ?? '' };
  } catch (err) {
    throw registrationError(err, true);
  }
}

/** RegisterCertificateWithoutCA: any certificate (self-signed too); AWS IoT then matches devices by SNI. */
export async function registerCertificateWithoutCa(
  input: Omit<RegisterCertificateInput, 'caCertificatePem'>,
): Promise<RegisteredCertificate> {
  const config = readIotConfig();
  try {
    const out = await getIotClient(config).send(
      new RegisterCertificateWithoutCACommand({ certificatePem: input.certificatePem, status: input.status }),
    );
    return { certificateId: out.certificateId ?? '', certificateArn: out.certificateArn ?? '' };
  } catch (err) {
    throw registrationError(err, false);
  }
}
