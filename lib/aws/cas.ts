import 'server-only';

import {
  DeleteCACertificateCommand,
  DescribeCACertificateCommand,
  GetRegistrationCodeCommand,
  ListCACertificatesCommand,
  ListCertificatesByCACommand,
  RegisterCACertificateCommand,
  UpdateCACertificateCommand,
  type CACertificateDescription,
} from '@aws-sdk/client-iot';

import { getIotClient } from './client';
import { describeControlEndpoint, readIotConfig } from './config';
import { AppError, toAppError } from './errors';
import { mapLimited } from '../async/map-limited';

/**
 * CA certificates the operator registered (RegisterCACertificate), their auto-registration (JITR) and
 * provisioning template (JITP), and the device certificates they vouch for (ListCertificatesByCA).
 */

export const CA_STATUSES = ['ACTIVE', 'INACTIVE'] as const;
export type CaStatus = (typeof CA_STATUSES)[number];

export interface CaSummary {
  id: string;
  arn: string;
  status: CaStatus;
  createdAt: Date | undefined;
}

export interface CaRegistrationConfig {
  templateBody: string | undefined;
  roleArn: string | undefined;
  templateName: string | undefined;
}

export interface CaDetails extends CaSummary {
  pem: string;
  autoRegistration: boolean;
  ownedBy: string | undefined;
  lastModifiedAt: Date | undefined;
  notBefore: Date | undefined;
  notAfter: Date | undefined;
  mode: string | undefined;
  customerVersion: number | undefined;
  registrationConfig: CaRegistrationConfig;
}

export interface CaCertificateEntry {
  id: string;
  arn: string;
  status: string;
  createdAt: Date | undefined;
}

const shortId = (id: string) => `${id.slice(0, 10)}…`;
const asStatus = (s: string | undefined): CaStatus => (s === 'ACTIVE' ? 'ACTIVE' : 'INACTIVE');

function context(resource: string) {
  const config = readIotConfig();
  return { config, ctx: { resource, endpoint: describeControlEndpoint(config) } };
}

function errorParts(err: unknown) {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: unknown;
    message?: unknown;
    resourceId?: unknown;
  };
  return {
    name: typeof e.name === 'string' ? e.name : undefined,
    message: typeof e.message === 'string' ? e.message : '',
    resourceId: typeof e.resourceId === 'string' ? e.resourceId : undefined,
  };
}

function toDetails(
  d: CACertificateDescription,
  config: { templateBody?: string; roleArn?: string; templateName?: string } | undefined,
): CaDetails {
  return {
    id: d.certificateId ?? '',
    arn: d.certificateArn ?? '',
    status: asStatus(d.status),
    createdAt: d.creationDate,
    pem: d.certificatePem ?? '',
    autoRegistration: d.autoRegistrationStatus === 'ENABLE',
    ownedBy: d.ownedBy,
    lastModifiedAt: d.lastModifiedDate,
    notBefore: d.validity?.notBefore,
    notAfter: d.validity?.notAfter,
    mode: d.certificateMode,
    customerVersion: d.customerVersion,
    registrationConfig: {
      templateBody: config?.templateBody || undefined,
      roleArn: config?.roleArn || undefined,
      templateName: config?.templateName || undefined,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Registration

export async function getRegistrationCode(): Promise<string> {
  const { config, ctx } = context('registration code');
  try {
    const out = await getIotClient(config).send(new GetRegistrationCodeCommand({}));
    if (!out.registrationCode) throw new AppError('internal', 'AWS IoT returned no registration code.');
    return out.registrationCode;
  } catch (err) {
    throw toAppError(err, ctx);
  }
}

/** AWS answered ResourceAlreadyExistsException: this very CA certificate is already registered. */
export class CaAlreadyRegisteredError extends AppError {
  readonly caCertificateId: string | undefined;
  constructor(caCertificateId: string | undefined, cause: unknown) {
    super('already_exists', 'This CA certificate is already registered in AWS IoT (in this account and region).', {
      source: 'ResourceAlreadyExistsException',
      cause,
    });
    this.caCertificateId = caCertificateId;
  }
}

export interface RegisterCaInput {
  caCertificatePem: string;
  verificationCertificatePem: string;
  setAsActive: boolean;
  allowAutoRegistration: boolean;
}

export interface RegisteredCa {
  id: string;
  arn: string;
}

export async function registerCaCertificate(input: RegisterCaInput): Promise<RegisteredCa> {
  const { config, ctx } = context('CA certificate');
  try {
    const out = await getIotClient(config).send(
      new RegisterCACertificateCommand({
        caCertificate: input.caCertificatePem,
        verificationCertificate: input.verificationCertificatePem,
        setAsActive: input.setAsActive,
        allowAutoRegistration: input.allowAutoRegistration,
      }),
    );
    return { id: out.certificateId ?? '', arn: out.certificateArn ?? '' };
  } catch (err) {
    const e = errorParts(err);
    switch (e.name) {
      case 'ResourceAlreadyExistsException':
        throw new CaAlreadyRegisteredError(e.resourceId, err);
      case 'RegistrationCodeValidationException':
        throw new AppError(
          'invalid_request',
          `AWS IoT refused the verification certificate: its common name is not this account’s registration code. ` +
            `Registration codes are per account and region; fetch the code again and make a new verification certificate.${e.message ? ` (AWS IoT: ${e.message})` : ''}`,
          { source: e.name, cause: err },
        );
      case 'CertificateValidationException':
        throw new AppError(
          'invalid_request',
          `AWS IoT refused the certificate: ${e.message || 'it did not pass validation.'}`,
          {
            source: e.name,
            cause: err,
          },
        );
      case 'LimitExceededException':
        throw new AppError(
          'limit_exceeded',
          `AWS IoT allows at most 10 registered CA certificates with the same subject. Give the new CA another name, or delete an old one. ${e.message}`.trim(),
          { source: e.name, cause: err },
        );
      default:
        throw toAppError(err, ctx);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

export async function listCaCertificates(): Promise<CaSummary[]> {
  const { config, ctx } = context('CA certificate list');
  const out: CaSummary[] = [];
  try {
    let marker: string | undefined;
    do {
      const page = await getIotClient(config).send(
        new ListCACertificatesCommand({ pageSize: 250, marker, ascendingOrder: false }),
      );
      for (const c of page.certificates ?? []) {
        out.push({
          id: c.certificateId ?? '',
          arn: c.certificateArn ?? '',
          status: asStatus(c.status),
          createdAt: c.creationDate,
        });
      }
      marker = page.nextMarker || undefined;
    } while (marker);
    return out;
  } catch (err) {
    throw toAppError(err, ctx);
  }
}

export async function describeCaCertificate(caCertificateId: string): Promise<CaDetails> {
  const { config, ctx } = context(`CA certificate ${shortId(caCertificateId)}`);
  try {
    const out = await getIotClient(config).send(new DescribeCACertificateCommand({ certificateId: caCertificateId }));
    if (!out.certificateDescription)
      throw new AppError('not_found', `The CA certificate ${shortId(caCertificateId)} does not exist.`);
    return toDetails(out.certificateDescription, out.registrationConfig);
  } catch (err) {
    throw toAppError(err, ctx);
  }
}

/** Every registered CA with its details (one DescribeCACertificate each, at most 5 at a time). */
export async function listCaDetails(): Promise<CaDetails[]> {
  const list = await listCaCertificates();
  const described = await mapLimited(list, 5, (c) => describeCaCertificate(c.id).catch(() => undefined));
  return described.filter((d): d is CaDetails => d !== undefined);
}

/** Device certificates signed by a CA (ListCertificatesByCA, every page), newest first, optionally by status. */
export async function listCertificatesByCa(
  caCertificateId: string,
  opts: { status?: string; limit?: number } = {},
): Promise<CaCertificateEntry[]> {
  const { config, ctx } = context(`certificates of CA ${shortId(caCertificateId)}`);
  const out: CaCertificateEntry[] = [];
  const limit = opts.limit ?? 1000;
  try {
    let marker: string | undefined;
    do {
      const page = await getIotClient(config).send(
        new ListCertificatesByCACommand({ caCertificateId, pageSize: 250, marker, ascendingOrder: false }),
      );
      for (const c of page.certificates ?? []) {
        if (opts.status && c.status !== opts.status) continue;
        out.push({
          id: c.certificateId ?? '',
          arn: c.certificateArn ?? '',
          status: c.status ?? 'UNKNOWN',
          createdAt: c.creationDate,
        });
      }
      marker = page.nextMarker || undefined;
    } while (marker && out.length < limit);
    return out.slice(0, limit);
  } catch (err) {
    throw toAppError(err, ctx);
  }
}

// ---------------------------------------------------------------------------------------------
// Changing

export interface UpdateCaInput {
  status?: CaStatus;
  autoRegistration?: boolean;
  /** Sets the provisioning template (JITP). */
  registrationConfig?: { templateBody: string; roleArn: string };
  /** Removes the provisioning template (the CA goes back to plain JITR). */
  removeTemplate?: boolean;
}

export async function updateCaCertificate(caCertificateId: string, input: UpdateCaInput): Promise<void> {
  const { config, ctx } = context(`CA certificate ${shortId(caCertificateId)}`);
  try {
    await getIotClient(config).send(
      new UpdateCACertificateCommand({
        certificateId: caCertificateId,
        newStatus: input.status,
        newAutoRegistrationStatus:
          input.autoRegistration === undefined ? undefined : input.autoRegistration ? 'ENABLE' : 'DISABLE',
        registrationConfig: input.registrationConfig,
        removeAutoRegistration: input.removeTemplate || undefined,
      }),
    );
  } catch (err) {
    const e = errorParts(err);
    if (e.name === 'InvalidRequestException' && input.registrationConfig) {
      throw new AppError('invalid_request', `AWS IoT refused the provisioning template: ${e.message}`, {
        source: e.name,
        cause: err,
      });
    }
    throw toAppError(err, ctx);
  }
}

export async function deleteCaCertificate(caCertificateId: string): Promise<void> {
  const { config, ctx } = context(`CA certificate ${shortId(caCertificateId)}`);
  try {
    await getIotClient(config).send(new DeleteCACertificateCommand({ certificateId: caCertificateId }));
  } catch (err) {
    const e = errorParts(err);
    if (e.name === 'CertificateStateException') {
      throw new AppError(
        'certificate_state',
        'AWS IoT deletes only an INACTIVE CA certificate: deactivate it first, then delete it.',
        { source: e.name, cause: err },
      );
    }
    throw toAppError(err, ctx);
  }
}
