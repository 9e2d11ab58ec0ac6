import 'server-only';

import {
  CreateCertificateFromCsrCommand,
  CreateKeysAndCertificateCommand,
  RegisterCertificateCommand,
  RegisterCertificateWithoutCACommand,
} from '@aws-sdk/client-iot';

import { awsErrorMessage, awsErrorName, type CallOptions, callIot } from './call';
import type { RegistrationStatus } from './certificates';
import { AppError } from './errors';

/**
 * How a device certificate comes into being in AWS IoT: signed by AWS IoT's own CA (from a CSR, or with a key
 * pair AWS makes), or registered as it is (signed by a registered CA, or by nobody AWS knows). One typed
 * function per operation. Nothing here logs: CreateKeysAndCertificate's answer holds a private key.
 */

export interface IssuedCertificate {
  certificateId: string;
  certificateArn: string;
  certificatePem: string;
}

/** CreateKeysAndCertificate's answer: the one moment AWS hands out the private key. */
export interface IssuedKeysAndCertificate extends IssuedCertificate {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** CreateCertificateFromCsr, active: AWS signs the CSR's public key; the private key never leaves the device. */
export async function createCertificateFromCsr(csrPem: string, options: CallOptions = {}): Promise<IssuedCertificate> {
  return callIot(
    'certificate',
    async (client) => {
      const out = await client.send(
        new CreateCertificateFromCsrCommand({ certificateSigningRequest: csrPem, setAsActive: true }),
      );
      return {
        certificateId: out.certificateId ?? '',
        certificateArn: out.certificateArn ?? '',
        certificatePem: out.certificatePem ?? '',
      };
    },
    options,
  );
}

/**
 * CreateKeysAndCertificate, active. Not idempotent: every call makes a new certificate, so the caller must
 * record the id the moment this returns. The private key is returned once and must not be stored or logged.
 */
export async function createKeysAndCertificate(options: CallOptions = {}): Promise<IssuedKeysAndCertificate> {
  return callIot(
    'certificate',
    async (client) => {
      const out = await client.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
      return {
        certificateId: out.certificateId ?? '',
        certificateArn: out.certificateArn ?? '',
        certificatePem: out.certificatePem ?? '',
        privateKeyPem: out.keyPair?.PrivateKey ?? '',
        publicKeyPem: out.keyPair?.PublicKey ?? '',
      };
    },
    options,
  );
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

/** AWS's registration refusals in words the operator can act on (undefined: the generic mapping). */
function registrationError(err: unknown, withCa: boolean): AppError | undefined {
  const name = awsErrorName(err);
  const awsMessage = awsErrorMessage(err);
  if (name === 'ResourceAlreadyExistsException') {
    const resourceId = (err as { resourceId?: unknown }).resourceId;
    return new CertificateAlreadyRegisteredError(typeof resourceId === 'string' ? resourceId : undefined, err);
  }
  if (name === 'CertificateValidationException') {
    return new AppError(
      'invalid_request',
      `AWS IoT refused the certificate: ${awsMessage || 'it did not pass validation.'}`,
      { source: name, cause: err },
    );
  }
  if (name === 'CertificateStateException') {
    return new AppError(
      'certificate_state',
      withCa
        ? `AWS IoT refused the certificate because of its CA's status: ${awsMessage || 'the CA must be ACTIVE.'}`
        : `AWS IoT refused the certificate's status: ${awsMessage}`,
      { source: name, cause: err },
    );
  }
  if (name === 'CertificateConflictException') {
    return new AppError('conflict', `AWS IoT could not tell which CA signed the certificate: ${awsMessage}`, {
      source: name,
      cause: err,
    });
  }
  return undefined;
}

/** RegisterCertificate: a device certificate signed by a CA registered in this account and region. */
export async function registerCertificate(
  input: RegisterCertificateInput,
  options: CallOptions = {},
): Promise<RegisteredCertificate> {
  return callIot(
    'certificate',
    async (client) => {
      const out = await client.send(
        new RegisterCertificateCommand({
          certificatePem: input.certificatePem,
          caCertificatePem: input.caCertificatePem || undefined,
          status: input.status,
        }),
      );
      return { certificateId: out.certificateId ?? '', certificateArn: out.certificateArn ?? '' };
    },
    { ...options, mapError: (err) => registrationError(err, true) },
  );
}

/** RegisterCertificateWithoutCA: any certificate (self-signed too); AWS IoT then matches devices by SNI. */
export async function registerCertificateWithoutCa(
  input: Omit<RegisterCertificateInput, 'caCertificatePem'>,
  options: CallOptions = {},
): Promise<RegisteredCertificate> {
  return callIot(
    'certificate',
    async (client) => {
      const out = await client.send(
        new RegisterCertificateWithoutCACommand({ certificatePem: input.certificatePem, status: input.status }),
      );
      return { certificateId: out.certificateId ?? '', certificateArn: out.certificateArn ?? '' };
    },
    { ...options, mapError: (err) => registrationError(err, false) },
  );
}
