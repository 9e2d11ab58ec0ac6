import { randomBytes, randomUUID } from 'node:crypto';
import { arns } from '../config';
import type { EmulatorContext } from '../context';
import {
  alreadyExists,
  certificateState,
  certificateValidation,
  invalidRequest,
  limitExceeded,
  notFound,
  registrationCodeValidation,
} from '../errors';
import { commonName, isSignedBy } from '../pki/certificates';
import type { CaCertificateRecord, CertificateMode, RegistrationConfig } from '../store/records';
import { type CreationOrderQuery, caX509, checkValidity, normaliseId, readCertificate, touched } from './certificates';
import { MAX_CAS_PER_SUBJECT } from './limits';
import { keysByCreation, type Page, pageByCreation } from './paging';
import { inTransaction, type Reader, type Transaction } from './transaction';

/**
 * CA certificates: the account's registration code, RegisterCACertificate's proof of possession, the CA's
 * status and auto-registration settings (which just-in-time registration reads), and its deletion.
 */

const REGISTRATION_CODE_KEY = 'registrationCode';

export function requireCaCertificate(r: Reader, id: string): CaCertificateRecord {
  const ca = r.c.caCertificates.get(normaliseId(id));
  if (!ca) throw notFound(`The CA certificate ${id} does not exist.`);
  return ca;
}

/** The account's registration code: made on first use and then never changes (until deleted). */
export function registrationCode(ctx: EmulatorContext): string {
  const existing = ctx.store.c.meta.get(REGISTRATION_CODE_KEY);
  if (existing) return existing.value;
  const value = randomBytes(32).toString('hex');
  ctx.store.commit((tx) => tx.put('meta', REGISTRATION_CODE_KEY, { value }));
  return value;
}

/** DeleteRegistrationCode: the next GetRegistrationCode makes a new one. */
export function deleteRegistrationCode(ctx: EmulatorContext, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    if (tx.c.meta.has(REGISTRATION_CODE_KEY)) tx.delete('meta', REGISTRATION_CODE_KEY);
  });
}

/** A provisioning template body must at least be JSON; its meaning is checked when it runs (JITP). */
function checkRegistrationConfig(config: RegistrationConfig | undefined) {
  if (config?.templateBody === undefined || config.templateBody === '') return;
  try {
    const parsed: unknown = JSON.parse(config.templateBody);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
  } catch {
    throw invalidRequest('registrationConfig.templateBody is not a valid JSON provisioning template.');
  }
}

export interface CaRegistration {
  caCertificate: string;
  verificationCertificate?: string;
  registrationConfig?: RegistrationConfig;
  certificateMode: CertificateMode;
  tags?: CaCertificateRecord['tags'];
  setAsActive: boolean;
  allowAutoRegistration: boolean;
}

/**
 * RegisterCACertificate. DEFAULT mode proves possession of the CA's key with a verification certificate (its
 * subject CN is the account's registration code, and the CA signed it); SNI_ONLY has none. At most ten CAs
 * with the same subject.
 */
export function registerCaCertificate(
  ctx: EmulatorContext,
  input: CaRegistration,
  tx?: Transaction,
): CaCertificateRecord {
  return inTransaction(ctx, tx, (tx) => {
    const mode = input.certificateMode;
    if (mode === 'SNI_ONLY' && input.verificationCertificate !== undefined) {
      throw invalidRequest('verificationCertificate must be empty when certificateMode is SNI_ONLY.');
    }
    if (mode === 'DEFAULT' && input.verificationCertificate === undefined) {
      throw invalidRequest(
        'verificationCertificate is required when certificateMode is DEFAULT (or not given); use SNI_ONLY to register without one.',
      );
    }
    checkRegistrationConfig(input.registrationConfig);

    const ca = readCertificate(input.caCertificate, 'CA certificate');
    const existing = tx.c.caCertificates.get(ca.certificateId);
    if (existing) {
      throw alreadyExists('The CA certificate is already registered', ca.certificateId, existing.certificateArn);
    }
    if (!ca.x509.ca) {
      throw certificateValidation('The certificate is not a CA certificate: its basicConstraints must have CA:TRUE.');
    }
    checkValidity(ctx, ca, 'The CA certificate');

    if (input.verificationCertificate !== undefined) {
      const verification = readCertificate(input.verificationCertificate, 'verification certificate');
      const code = tx.c.meta.get(REGISTRATION_CODE_KEY)?.value;
      if (!code || commonName(verification.x509) !== code) {
        throw registrationCodeValidation(
          "The verification certificate's subject common name (CN) is not this account's registration code (GetRegistrationCode).",
        );
      }
      if (!isSignedBy(verification.x509, ca.x509)) {
        throw certificateValidation(
          'The verification certificate is not signed by the private key of the CA certificate.',
        );
      }
      checkValidity(ctx, verification, 'The verification certificate');
    }

    let sameSubject = 0;
    for (const other of tx.c.caCertificates.values()) {
      if (caX509(other).subject === ca.x509.subject) sameSubject++;
    }
    if (sameSubject >= MAX_CAS_PER_SUBJECT) {
      throw limitExceeded(`At most ${MAX_CAS_PER_SUBJECT} CA certificates with the same subject can be registered.`);
    }

    const now = ctx.now();
    const record: CaCertificateRecord = {
      certificateId: ca.certificateId,
      certificateArn: arns(ctx.config).cacert(ca.certificateId),
      certificatePem: ca.pem,
      status: input.setAsActive ? 'ACTIVE' : 'INACTIVE',
      autoRegistrationStatus: input.allowAutoRegistration ? 'ENABLE' : 'DISABLE',
      registrationConfig: input.registrationConfig,
      tags: input.tags,
      certificateMode: mode,
      ownedBy: ctx.config.accountId,
      creationDate: now,
      lastModifiedDate: now,
      customerVersion: 1,
      generationId: randomUUID(),
      notBefore: ca.notBefore,
      notAfter: ca.notAfter,
    };
    tx.put('caCertificates', record.certificateId, record);
    return record;
  });
}

export interface CaUpdate {
  newStatus?: CaCertificateRecord['status'];
  newAutoRegistrationStatus?: CaCertificateRecord['autoRegistrationStatus'];
  registrationConfig?: RegistrationConfig;
  removeAutoRegistration?: boolean;
}

/** UpdateCACertificate: status, auto-registration and the JITP template; nothing asked, nothing changed. */
export function updateCaCertificate(ctx: EmulatorContext, id: string, update: CaUpdate, tx?: Transaction): void {
  if (update.removeAutoRegistration && update.registrationConfig) {
    throw invalidRequest('registrationConfig and removeAutoRegistration cannot be given together.');
  }
  checkRegistrationConfig(update.registrationConfig);
  inTransaction(ctx, tx, (tx) => {
    const ca = requireCaCertificate(tx, id);
    const changes: Partial<CaCertificateRecord> = {};
    if (update.newStatus) changes.status = update.newStatus;
    if (update.newAutoRegistrationStatus) changes.autoRegistrationStatus = update.newAutoRegistrationStatus;
    if (update.registrationConfig) changes.registrationConfig = update.registrationConfig;
    if (update.removeAutoRegistration) changes.registrationConfig = undefined;
    if (Object.keys(changes).length === 0) return;
    tx.put('caCertificates', ca.certificateId, touched(ctx, ca, changes));
  });
}

/** DeleteCACertificate: a CA must be deactivated before it is deleted. */
export function deleteCaCertificate(ctx: EmulatorContext, id: string, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    const ca = requireCaCertificate(tx, id);
    if (ca.status === 'ACTIVE') {
      throw certificateState('The CA certificate must be deactivated (INACTIVE) before deletion.');
    }
    tx.delete('caCertificates', ca.certificateId);
  });
}

/** ListCACertificates: newest first unless ascending, optionally only those with a given JITP template name. */
export function listCaCertificates(
  ctx: EmulatorContext,
  q: CreationOrderQuery & { templateName?: string },
): Page<CaCertificateRecord> {
  const coll = ctx.store.c.caCertificates;
  return pageByCreation(coll, keysByCreation(coll), {
    marker: q.marker,
    pageSize: q.pageSize,
    ascending: q.ascending,
    filter: q.templateName ? (ca) => ca.registrationConfig?.templateName === q.templateName : undefined,
  });
}
