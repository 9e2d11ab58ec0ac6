import { randomUUID, X509Certificate } from 'node:crypto';
import { arns } from '../config';
import type { EmulatorContext } from '../context';
import { AwsError, certificateState, certificateValidation, invalidRequest, notFound } from '../errors';
import {
  isSignedBy,
  type ParsedCertificate,
  parseCertificatePem,
  PkiInputError,
  validityProblem,
} from '../pki/certificates';
import type { Collection } from '../../lib/store/collection';
import type { CaCertificateRecord, CertificateMode, CertificateRecord, CertificateStatus } from '../store/records';

/**
 * Certificate and CA rules shared by the HTTP handlers and (later) the broker's just-in-time
 * registration: records, lookups, the status rules, and lists in creation order.
 */

export const certificateConflict = (message: string) => new AwsError('CertificateConflictException', 409, message);

/** Certificate ids are matched case-insensitively; AWS's are lowercase hex. */
export const normaliseId = (id: string) => id.toLowerCase();

export function requireCertificate(ctx: EmulatorContext, id: string): CertificateRecord {
  const cert = ctx.store.c.certificates.get(normaliseId(id));
  if (!cert) throw notFound(`The certificate ${id} does not exist.`);
  return cert;
}

export function requireCaCertificate(ctx: EmulatorContext, id: string): CaCertificateRecord {
  const ca = ctx.store.c.caCertificates.get(normaliseId(id));
  if (!ca) throw notFound(`The CA certificate ${id} does not exist.`);
  return ca;
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
// CA certificates, parsed once per id (the PEM behind an id never changes)

const parsedCas = new Map<string, X509Certificate>();

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
export function findSigningCa(
  ctx: EmulatorContext,
  cert: ParsedCertificate,
  caPem: string | undefined,
): CaCertificateRecord {
  if (caPem !== undefined) {
    const given = readCertificate(caPem, 'CA certificate');
    const ca = ctx.store.c.caCertificates.get(given.certificateId);
    if (!ca) throw certificateValidation('The CA certificate is not registered in this account and region.');
    if (!isSignedBy(cert.x509, given.x509) || cert.x509.issuer !== given.x509.subject) {
      throw certificateValidation('The certificate is not signed by the given CA certificate.');
    }
    return ca;
  }
  const matches: CaCertificateRecord[] = [];
  for (const ca of ctx.store.c.caCertificates.values()) {
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
// Lists in creation order, with AWS-style markers

interface Dated {
  creationDate: number;
}

const creationOrder = new WeakMap<readonly string[], string[]>();

const cmpKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sortByCreation<V extends Dated>(coll: Collection<V>, keys: string[]): string[] {
  return keys.sort((a, b) => coll.get(a)!.creationDate - coll.get(b)!.creationDate || cmpKeys(a, b));
}

/** Every key of the collection, oldest first; cached until the next insert or delete. */
export function keysByCreation<V extends Dated>(coll: Collection<V>): string[] {
  const keys = coll.sortedKeys();
  let ordered = creationOrder.get(keys);
  if (!ordered) {
    ordered = sortByCreation(coll, [...keys]);
    creationOrder.set(keys, ordered);
  }
  return ordered;
}

/** The keys under an index entry, oldest first. */
export function indexedKeysByCreation<V extends Dated>(coll: Collection<V>, index: string, indexKey: string): string[] {
  return sortByCreation(coll, coll.keysBy(index, indexKey));
}

/**
 * One page of `ordered` (keys oldest first), newest first unless ascending. The marker names the last
 * item handed out (its creation date and key), so a page stays stable while items come and go.
 */
export function pageByCreation<V extends Dated>(
  coll: Collection<V>,
  ordered: readonly string[],
  opts: { marker?: string; pageSize: number; ascending: boolean; filter?: (v: V) => boolean },
): { items: V[]; nextMarker?: string } {
  const at = (i: number) => ({ date: coll.get(ordered[i]!)!.creationDate, key: ordered[i]! });
  const cmp = (i: number, m: { date: number; key: string }) => {
    const x = at(i);
    return x.date - m.date || cmpKeys(x.key, m.key);
  };
  // firstAfter: index of the first key greater than the marker.
  let firstAfter = opts.ascending ? 0 : ordered.length;
  if (opts.marker !== undefined) {
    const m = decodeMarker(opts.marker);
    let lo = 0;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(mid, m) <= 0) lo = mid + 1;
      else hi = mid;
    }
    firstAfter = lo;
    if (!opts.ascending) {
      // Going down: start below the marker's own position.
      while (firstAfter > 0 && cmp(firstAfter - 1, m) >= 0) firstAfter--;
    }
  }
  const items: V[] = [];
  const keys: string[] = [];
  const step = opts.ascending ? 1 : -1;
  let i = opts.ascending ? firstAfter : firstAfter - 1;
  for (; i >= 0 && i < ordered.length && items.length < opts.pageSize; i += step) {
    const v = coll.get(ordered[i]!)!;
    if (opts.filter && !opts.filter(v)) continue;
    items.push(v);
    keys.push(ordered[i]!);
  }
  let more = false;
  if (items.length === opts.pageSize) {
    for (let j = i; j >= 0 && j < ordered.length; j += step) {
      if (!opts.filter || opts.filter(coll.get(ordered[j]!)!)) {
        more = true;
        break;
      }
    }
  }
  const last = keys[keys.length - 1];
  return {
    items,
    nextMarker: more && last ? encodeMarker(coll.get(last)!.creationDate, last) : undefined,
  };
}

function encodeMarker(date: number, key: string) {
  return Buffer.from(`${date}:${key}`, 'utf8').toString('base64');
}

function decodeMarker(marker: string): { date: number; key: string } {
  const text = /^[A-Za-z0-9+/]+={0,2}$/.test(marker) ? Buffer.from(marker, 'base64').toString('utf8') : '';
  const m = /^(\d+):(.+)$/s.exec(text);
  if (!m) throw invalidRequest('The marker is not valid.');
  return { date: Number(m[1]), key: m[2]! };
}
