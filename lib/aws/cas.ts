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

import { mapLimited } from '../async/map-limited';
import { callIot, shortId } from './call';
import { AppError } from './errors';

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

const asStatus = (s: string | undefined): CaStatus => (s === 'ACTIVE' ? 'ACTIVE' : 'INACTIVE');

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
  const out = await callIot('registration code', (client) => client.send(new GetRegistrationCodeCommand({})));
  if (!out.registrationCode) throw new AppError('internal', 'AWS IoT returned no registration code.');
  return out.registrationCode;
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

/** AWS's refusals of RegisterCACertificate, in words the operator can act on (undefined: the generic mapping). */
function registerCaError(err: unknown): AppError | undefined {
  const e = errorParts(err);
  switch (e.name) {
    case 'ResourceAlreadyExistsException':
      return new CaAlreadyRegisteredError(e.resourceId, err);
    case 'RegistrationCodeValidationException':
      return new AppError(
        'invalid_request',
        `AWS IoT refused the verification certificate: its common name is not this account’s registration code. ` +
          `Registration codes are per account and region; fetch the code again and make a new verification certificate.${e.message ? ` (AWS IoT: ${e.message})` : ''}`,
        { source: e.name, cause: err },
      );
    case 'CertificateValidationException':
      return new AppError(
        'invalid_request',
        `AWS IoT refused the certificate: ${e.message || 'it did not pass validation.'}`,
        {
          source: e.name,
          cause: err,
        },
      );
    case 'LimitExceededException':
      return new AppError(
        'limit_exceeded',
        `AWS IoT allows at most 10 registered CA certificates with the same subject. Give the new CA another name, or delete an old one. ${e.message}`.trim(),
        { source: e.name, cause: err },
      );
    default:
      return undefined;
  }
}

export async function registerCaCertificate(input: RegisterCaInput): Promise<RegisteredCa> {
  return callIot(
    'CA certificate',
    async (client) => {
      const out = await client.send(
        new RegisterCACertificateCommand({
          caCertificate: input.caCertificatePem,
          verificationCertificate: input.verificationCertificatePem,
          setAsActive: input.setAsActive,
          allowAutoRegistration: input.allowAutoRegistration,
        }),
      );
      return { id: out.certificateId ?? '', arn: out.certificateArn ?? '' };
    },
    { mapError: registerCaError },
  );
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Every registered CA certificate (ListCACertificates, every page), newest first. */
export async function listCaCertificates(): Promise<CaSummary[]> {
  return callIot('CA certificate list', async (client) => {
    const out: CaSummary[] = [];
    let marker: string | undefined;
    do {
      const page = await client.send(new ListCACertificatesCommand({ pageSize: 250, marker, ascendingOrder: false }));
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
  });
}

/** Ids of every CA certificate registered in this account and region. */
export async function listRegisteredCaIds(): Promise<Set<string>> {
  return new Set((await listCaCertificates()).map((ca) => ca.id).filter(Boolean));
}

/** DescribeCACertificate (with its provisioning template). A missing CA throws AppError `not_found`. */
export async function describeCaCertificate(caCertificateId: string): Promise<CaDetails> {
  const out = await callIot(`CA certificate ${shortId(caCertificateId)}`, (client) =>
    client.send(new DescribeCACertificateCommand({ certificateId: caCertificateId })),
  );
  if (!out.certificateDescription)
    throw new AppError('not_found', `The CA certificate ${shortId(caCertificateId)} does not exist.`);
  return toDetails(out.certificateDescription, out.registrationConfig);
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
  const limit = opts.limit ?? 1000;
  return callIot(`certificates of CA ${shortId(caCertificateId)}`, async (client) => {
    const out: CaCertificateEntry[] = [];
    let marker: string | undefined;
    do {
      const page = await client.send(
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
  });
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
  await callIot(
    `CA certificate ${shortId(caCertificateId)}`,
    (client) =>
      client.send(
        new UpdateCACertificateCommand({
          certificateId: caCertificateId,
          newStatus: input.status,
          newAutoRegistrationStatus:
            input.autoRegistration === undefined ? undefined : input.autoRegistration ? 'ENABLE' : 'DISABLE',
          registrationConfig: input.registrationConfig,
          removeAutoRegistration: input.removeTemplate || undefined,
        }),
      ),
    {
      mapError: (err) => {
        const e = errorParts(err);
        return e.name === 'InvalidRequestException' && input.registrationConfig
          ? new AppError('invalid_request', `AWS IoT refused the provisioning template: ${e.message}`, {
              source: e.name,
              cause: err,
            })
          : undefined;
      },
    },
  );
}

export async function deleteCaCertificate(caCertificateId: string): Promise<void> {
  await callIot(
    `CA certificate ${shortId(caCertificateId)}`,
    (client) => client.send(new DeleteCACertificateCommand({ certificateId: caCertificateId })),
    {
      mapError: (err) => {
        const e = errorParts(err);
        return e.name === 'CertificateStateException'
          ? new AppError(
              'certificate_state',
              'AWS IoT deletes only an INACTIVE CA certificate: deactivate it first, then delete it.',
              { source: e.name, cause: err },
            )
          : undefined;
      },
    },
  );
}
