import { randomUUID, X509Certificate } from 'node:crypto';
import { arns } from '../config';
import type { EmulatorContext } from '../context';
import {
  alreadyExists,
  certificateConflict,
  certificateState,
  certificateValidation,
  deleteConflict,
  invalidRequest,
  notFound,
} from '../errors';
import {
  generateRsaKeyPair,
  type GeneratedKeyPair,
  isSignedBy,
  issueCertificate,
  issuerOf,
  type ParsedCertificate,
  parseCertificatePem,
  parseCsr,
  PkiInputError,
  validityProblem,
} from '../pki/certificates';
import type { CaCertificateRecord, CertificateMode, CertificateRecord, CertificateStatus } from '../store/records';
import { indexedKeysByCreation, keysByCreation, type Page, pageByCreation } from './paging';
import { inTransaction, type Reader, type Transaction } from './transaction';

/**
 * Device certificates: issuing (CreateKeysAndCertificate, CreateCertificateFromCsr), registering (with or
 * without a CA, and by just-in-time registration), the status rules of UpdateCertificate, DeleteCertificate's
 * conditions, and the lookups the broker shares (`caX509`).
 */

/** Certificate ids are matched case-insensitively; AWS's are lowercase hex. */
export const normaliseId = (id: string) => id.toLowerCase();

export function requireCertificate(r: Reader, id: string): CertificateRecord {
  const cert = r.c.certificates.get(normaliseId(id));
  if (!cert) throw notFound(`The certificate ${id} does not exist.`);
  return cert;
}

export function newCertificateRecord(
  ctx: EmulatorContext,
  c: {
    certificateId: string;
    pem: string;
    status: CertificateStatus;
    mode: CertificateMode;
    caCertificateId?: string;
    notBefore: number;
    notAfter: number;
  },
): CertificateRecord {
  const now = ctx.now();
  return {
    certificateId: c.certificateId,
    certificateArn: arns(ctx.config).cert(c.certificateId),
    certificatePem: c.pem,
    status: c.status,
    caCertificateId: c.caCertificateId,
    certificateMode: c.mode,
    ownedBy: ctx.config.accountId,
    creationDate: now,
    lastModifiedDate: now,
    customerVersion: 1,
    generationId: randomUUID(),
    notBefore: c.notBefore,
    notAfter: c.notAfter,
  };
}

/** A record after a change: AWS bumps the customer version and the generation id with each one. */
export function touched<R extends { lastModifiedDate: number; customerVersion: number; generationId: string }>(
  ctx: EmulatorContext,
  rec: R,
  changes: Partial<R>,
): R {
  return {
    ...rec,
    ...changes,
    lastModifiedDate: ctx.now(),
    customerVersion: rec.customerVersion + 1,
    generationId: randomUUID(),
  };
}

/**
 * The statuses a caller may set. PENDING_TRANSFER and PENDING_ACTIVATION are IoT's own (transfers and
 * just-in-time registration) and "will result in an exception being thrown" (UpdateCertificate docs).
 */
export function checkSettableStatus(status: CertificateStatus, what = 'newStatus') {
  if (status === 'PENDING_TRANSFER' || status === 'PENDING_ACTIVATION') {
    throw invalidRequest(`The ${what} ${status} is used internally by AWS IoT and cannot be set.`);
  }
}

/** UpdateCertificate's transitions: a revoked certificate stays revoked; a transfer must end first. */
export function checkStatusChange(cert: CertificateRecord, next: CertificateStatus) {
  checkSettableStatus(next);
  if (cert.status === next) return;
  if (cert.status === 'REVOKED') {
    throw certificateState(`Certificate ${cert.certificateId} is revoked; a revoked certificate cannot change status.`);
  }
  if (cert.status === 'PENDING_TRANSFER') {
    throw certificateState(
      `Certificate ${cert.certificateId} is pending transfer; accept, reject or cancel the transfer first.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Reading certificates

const parsedCas = new Map<string, X509Certificate>();

/** A registered CA's certificate, parsed once per id (the PEM behind an id never changes). */
export function caX509(ca: CaCertificateRecord): X509Certificate {
  let x = parsedCas.get(ca.certificateId);
  if (!x) {
    x = new X509Certificate(ca.certificatePem);
    parsedCas.set(ca.certificateId, x);
  }
  return x;
}

/** Reads a certificate for registration; unreadable input is CertificateValidationException. */
export function readCertificate(pem: string, what = 'certificate'): ParsedCertificate {
  try {
    return parseCertificatePem(pem, what);
  } catch (e) {
    if (e instanceof PkiInputError) throw certificateValidation(e.message);
    throw e;
  }
}

/** Registration refuses certificates outside their validity period. */
export function checkValidity(ctx: EmulatorContext, c: ParsedCertificate, what = 'The certificate') {
  const problem = validityProblem(c, ctx.now());
  if (problem) throw certificateValidation(`${what} ${problem}.`);
}

/**
 * Finds the registered CA that signed `cert` for RegisterCertificate: the one named by its PEM, or
 * else the registered CAs whose subject is the certificate's issuer and whose key verifies it.
 * Several such CAs with the same subject and key are ambiguous: CertificateConflictException.
 */
export function findSigningCa(r: Reader, cert: ParsedCertificate, caPem: string | undefined): CaCertificateRecord {
  if (caPem !== undefined) {
    const given = readCertificate(caPem, 'CA certificate');
    const ca = r.c.caCertificates.get(given.certificateId);
    if (!ca) throw certificateValidation('The CA certificate is not registered in this account and region.');
    if (!isSignedBy(cert.x509, given.x509) || cert.x509.issuer !== given.x509.subject) {
      throw certificateValidation('The certificate is not signed by the given CA certificate.');
    }
    return ca;
  }
  const matches: CaCertificateRecord[] = [];
  for (const ca of r.c.caCertificates.values()) {
    const x = caX509(ca);
    if (x.subject === cert.x509.issuer && isSignedBy(cert.x509, x)) matches.push(ca);
  }
  if (matches.length === 0) {
    throw certificateValidation(
      'The certificate is not signed by any CA certificate registered in this account and region.',
    );
  }
  if (matches.length > 1) {
    throw certificateConflict(
      'Unable to verify the CA certificate used to sign the device certificate: more than one registered CA certificate has the same subject and public key. Pass caCertificatePem.',
    );
  }
  return matches[0]!;
}

// ---------------------------------------------------------------------------------------------
// Issuing and registering

/** Registers a new certificate record in `tx`; one already registered is ResourceAlreadyExistsException. */
export function addCertificate(tx: Transaction, cert: CertificateRecord): CertificateRecord {
  const existing = tx.c.certificates.get(cert.certificateId);
  if (existing) {
    throw alreadyExists(
      'The certificate is already provisioned or registered',
      cert.certificateId,
      existing.certificateArn,
    );
  }
  tx.put('certificates', cert.certificateId, cert);
  return cert;
}

/**
 * Issues a certificate from the emulator's issuing CA (as AWS issues from its own) for a public key: the record
 * to register, not yet registered. CreateKeysAndCertificate and CreateCertificateFromCsr share it, over HTTP and
 * (fleet provisioning, PENDING_ACTIVATION) over MQTT.
 */
export async function issueCertificateRecord(
  ctx: EmulatorContext,
  key: { spkiDer: Buffer; subjectDer?: Buffer },
  status: CertificateStatus,
): Promise<CertificateRecord> {
  const issuer = issuerOf(ctx.pki.issuing);
  const issued = await issueCertificate(issuer, { ...key, now: ctx.now() });
  // AWS reports its own certificates in DEFAULT mode and without a caCertificateId (DescribeCertificate of a
  // CreateKeysAndCertificate certificate has none): only a CA registered in the account gives one.
  return newCertificateRecord(ctx, { ...issued, status, mode: 'DEFAULT' });
}

async function issueAndRegister(
  ctx: EmulatorContext,
  key: { spkiDer: Buffer; subjectDer?: Buffer },
  setAsActive: boolean,
): Promise<CertificateRecord> {
  const cert = await issueCertificateRecord(ctx, key, setAsActive ? 'ACTIVE' : 'INACTIVE');
  return ctx.store.commit((tx) => addCertificate(tx, cert));
}

/** The subject and public key of a CSR for issuing; a CSR AWS would refuse is InvalidRequestException. */
export async function csrKey(csrPem: string): Promise<{ subjectDer: Buffer; spkiDer: Buffer }> {
  try {
    const csr = await parseCsr(csrPem);
    return { subjectDer: csr.subjectDer, spkiDer: csr.spkiDer };
  } catch (e) {
    if (e instanceof PkiInputError) throw invalidRequest(e.message);
    throw e;
  }
}

/** CreateKeysAndCertificate. The private key exists only in the answer, as on AWS: neither stored nor logged. */
export async function createKeysAndCertificate(
  ctx: EmulatorContext,
  setAsActive: boolean,
): Promise<{ certificate: CertificateRecord; keys: GeneratedKeyPair }> {
  const keys = await generateRsaKeyPair();
  return { certificate: await issueAndRegister(ctx, { spkiDer: keys.spkiDer }, setAsActive), keys };
}

/** CreateCertificateFromCsr: the CSR's subject and key, signed by the emulator's issuing CA. */
export async function createCertificateFromCsr(
  ctx: EmulatorContext,
  csrPem: string,
  setAsActive: boolean,
): Promise<CertificateRecord> {
  return issueAndRegister(ctx, await csrKey(csrPem), setAsActive);
}

/**
 * Registers a certificate signed by a registered CA (RegisterCertificate, just-in-time registration): it takes
 * the CA's id and certificate mode.
 */
export function registerSignedBy(
  ctx: EmulatorContext,
  cert: ParsedCertificate,
  ca: CaCertificateRecord,
  status: CertificateStatus,
  tx?: Transaction,
): CertificateRecord {
  return inTransaction(ctx, tx, (tx) =>
    addCertificate(
      tx,
      newCertificateRecord(ctx, {
        ...cert,
        status,
        mode: ca.certificateMode,
        caCertificateId: ca.certificateId,
      }),
    ),
  );
}

/** Registration's status: setAsActive wins; otherwise the status given; INACTIVE by default. */
export function registrationStatus(setAsActive: boolean, status: CertificateStatus | undefined): CertificateStatus {
  const s = setAsActive ? 'ACTIVE' : (status ?? 'INACTIVE');
  checkSettableStatus(s, 'status');
  return s;
}

/** RegisterCertificate: a valid certificate signed by a registered, ACTIVE CA. */
export function registerCertificate(
  ctx: EmulatorContext,
  input: { certificatePem: string; caCertificatePem?: string; status: CertificateStatus },
  tx?: Transaction,
): CertificateRecord {
  return inTransaction(ctx, tx, (tx) => {
    const parsed = readCertificate(input.certificatePem);
    checkNotRegistered(tx, parsed.certificateId);
    checkValidity(ctx, parsed);
    const ca = findSigningCa(tx, parsed, input.caCertificatePem);
    // Only an ACTIVE CA vouches for new device certificates.
    if (ca.status !== 'ACTIVE') {
      throw certificateState(
        `The CA certificate ${ca.certificateId} is ${ca.status}; it must be ACTIVE to register certificates it signed.`,
      );
    }
    return registerSignedBy(ctx, parsed, ca, input.status, tx);
  });
}

/** RegisterCertificateWithoutCA: without a CA AWS can only tell devices apart by SNI, so it is SNI_ONLY. */
export function registerCertificateWithoutCa(
  ctx: EmulatorContext,
  input: { certificatePem: string; status: CertificateStatus },
  tx?: Transaction,
): CertificateRecord {
  return inTransaction(ctx, tx, (tx) => {
    const parsed = readCertificate(input.certificatePem);
    checkNotRegistered(tx, parsed.certificateId);
    checkValidity(ctx, parsed);
    return addCertificate(tx, newCertificateRecord(ctx, { ...parsed, status: input.status, mode: 'SNI_ONLY' }));
  });
}

function checkNotRegistered(r: Reader, id: string) {
  const existing = r.c.certificates.get(id);
  if (existing)
    throw alreadyExists('The certificate is already provisioned or registered', id, existing.certificateArn);
}

// ---------------------------------------------------------------------------------------------
// Status, deletion, lists

/** UpdateCertificate (and a JITP template's Status). Setting the status it already has changes nothing. */
export function updateCertificateStatus(
  ctx: EmulatorContext,
  id: string,
  next: CertificateStatus,
  tx?: Transaction,
): CertificateRecord {
  return inTransaction(ctx, tx, (tx) => {
    const cert = requireCertificate(tx, id);
    checkStatusChange(cert, next);
    if (cert.status === next) return cert;
    const updated = touched(ctx, cert, { status: next });
    tx.put('certificates', cert.certificateId, updated);
    return updated;
  });
}

/**
 * DeleteCertificate, in AWS's order: the status first (406), then things (409), then policies (409 unless
 * forceDelete, which detaches them in the same transaction).
 */
export function deleteCertificate(ctx: EmulatorContext, id: string, forceDelete: boolean, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    const cert = requireCertificate(tx, id);
    if (cert.status === 'ACTIVE') {
      throw certificateState('Certificate must be deactivated (not ACTIVE) before deletion.');
    }
    if (cert.status === 'PENDING_TRANSFER') {
      throw certificateState('Certificate is pending transfer; cancel or reject the transfer before deletion.');
    }
    const things = tx.c.thingPrincipals.findBy('principal', cert.certificateArn);
    if (things.length > 0) {
      throw deleteConflict(
        `Things must be detached before deletion (arn: ${cert.certificateArn}; attached to ${things.map((t) => t.thingName).join(', ')}).`,
      );
    }
    const attachments = tx.c.policyAttachments.keysBy('target', cert.certificateArn);
    if (attachments.length > 0 && !forceDelete) {
      throw deleteConflict(`Certificate policies must be detached before deletion (arn: ${cert.certificateArn}).`);
    }
    for (const key of attachments) tx.delete('policyAttachments', key);
    tx.delete('certificates', cert.certificateId);
  });
}

export interface CreationOrderQuery {
  marker?: string;
  pageSize: number;
  ascending: boolean;
}

/** ListCertificates, or with `caCertificateId` ListCertificatesByCA: newest first unless ascending. */
export function listCertificates(
  ctx: EmulatorContext,
  q: CreationOrderQuery & { caCertificateId?: string },
): Page<CertificateRecord> {
  const coll = ctx.store.c.certificates;
  const keys =
    q.caCertificateId === undefined ? keysByCreation(coll) : indexedKeysByCreation(coll, 'ca', q.caCertificateId);
  return pageByCreation(coll, keys, q);
}
