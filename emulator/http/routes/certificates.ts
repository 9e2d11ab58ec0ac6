import { z } from 'zod';
import { certificateId } from '../../../lib/validation/iot-names';
import type { EmulatorContext } from '../../context';
import { alreadyExists, certificateState, deleteConflict, invalidRequest } from '../../errors';
import {
  checkSettableStatus,
  checkStatusChange,
  checkValidity,
  findSigningCa,
  indexedKeysByCreation,
  keysByCreation,
  newCertificateRecord,
  normaliseId,
  pageByCreation,
  readCertificate,
  requireCertificate,
  touched,
} from '../../iot/certificates';
import { generateRsaKeyPair, issueCertificate, issuerOf, parseCsr, PkiInputError } from '../../pki/certificates';
import { CERTIFICATE_STATUSES } from '../../../lib/iot/certificate-status';
import type { CertificateRecord, CertificateStatus } from '../../store/records';
import { epochSeconds } from '../../time';
import { pageSize } from '../paginate';
import { ok, parseInput } from '../request';
import type { Route } from '../router';

/** A boolean in the query string, as the SDK and the CLI write it. */
export const queryBoolean = z
  .enum(['true', 'false'], { message: "Member must be 'true' or 'false'" })
  .optional()
  .transform((v) => v === 'true');

const certificateStatus = z.enum(CERTIFICATE_STATUSES, {
  message: `Member must satisfy enum value set: [${CERTIFICATE_STATUSES.join(', ')}]`,
});

const certificatePem = z
  .string({ message: 'Member must not be null' })
  .min(1, 'Member must have length greater than or equal to 1')
  .max(65536, 'Member must have length less than or equal to 65536');

export const marker = z
  .string()
  .max(1024, 'Member must have length less than or equal to 1024')
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'Member must satisfy regular expression pattern: [A-Za-z0-9+/]+={0,2}');

const setAsActiveQuery = z.object({ setAsActive: queryBoolean });

const csrBody = z.object({
  certificateSigningRequest: z
    .string({ message: 'Member must not be null' })
    .min(1, 'Member must have length greater than or equal to 1')
    .max(4096, 'Member must have length less than or equal to 4096'),
});

const registerBody = z.object({
  certificatePem,
  caCertificatePem: certificatePem.optional(),
  status: certificateStatus.optional(),
});

const registerNoCaBody = z.object({ certificatePem, status: certificateStatus.optional() });

const listQuery = z.object({
  pageSize: pageSize(250).optional(),
  marker: marker.optional(),
  isAscendingOrder: queryBoolean,
});

const updateQuery = z.object({ newStatus: certificateStatus });
const deleteQuery = z.object({ forceDelete: queryBoolean });

const idParam = (req: { params: Readonly<Record<string, string>> }, name = 'certificateId') =>
  normaliseId(parseInput(certificateId, req.params[name], name));

/** Registration's status: setAsActive wins; otherwise the status given; INACTIVE by default. */
function registrationStatus(setAsActive: boolean, status: CertificateStatus | undefined): CertificateStatus {
  const s = setAsActive ? 'ACTIVE' : (status ?? 'INACTIVE');
  checkSettableStatus(s, 'status');
  return s;
}

function checkNotRegistered(ctx: EmulatorContext, id: string) {
  const existing = ctx.store.c.certificates.get(id);
  if (existing) {
    throw alreadyExists('The certificate is already provisioned or registered', id, existing.certificateArn);
  }
}

const summary = (c: CertificateRecord) => ({
  certificateArn: c.certificateArn,
  certificateId: c.certificateId,
  status: c.status,
  certificateMode: c.certificateMode,
  creationDate: epochSeconds(c.creationDate),
});

/**
 * Issues a certificate from the emulator's issuing CA (as AWS issues from its own) for a public key,
 * and registers it: what CreateKeysAndCertificate and CreateCertificateFromCsr share.
 */
async function issueAndRegister(
  ctx: EmulatorContext,
  key: { spkiDer: Buffer; subjectDer?: Buffer },
  setAsActive: boolean | undefined,
): Promise<CertificateRecord> {
  const issuer = issuerOf(ctx.pki.issuing);
  const issued = await issueCertificate(issuer, { ...key, now: ctx.now() });
  const cert = newCertificateRecord(ctx, {
    ...issued,
    status: setAsActive ? 'ACTIVE' : 'INACTIVE',
    mode: 'DEFAULT',
    caCertificateId: issuer.certificateId,
  });
  ctx.store.commit((tx) => tx.put('certificates', cert.certificateId, cert));
  return cert;
}

export const certificatesRoutes: Route[] = [
  {
    method: 'POST',
    path: '/keys-and-certificate',
    operation: 'CreateKeysAndCertificate',
    handler: async (req, ctx) => {
      const { setAsActive } = parseInput(setAsActiveQuery, req.queryObject());
      const keys = await generateRsaKeyPair();
      const cert = await issueAndRegister(ctx, { spkiDer: keys.spkiDer }, setAsActive);
      // The private key exists only in this answer, as on AWS: it is neither stored nor logged.
      return ok({
        certificateArn: cert.certificateArn,
        certificateId: cert.certificateId,
        certificatePem: cert.certificatePem,
        keyPair: { PublicKey: keys.publicKeyPem, PrivateKey: keys.privateKeyPem },
      });
    },
  },
  {
    method: 'POST',
    path: '/certificates',
    operation: 'CreateCertificateFromCsr',
    handler: async (req, ctx) => {
      const { setAsActive } = parseInput(setAsActiveQuery, req.queryObject());
      const body = parseInput(csrBody, req.json());
      let csr;
      try {
        csr = await parseCsr(body.certificateSigningRequest);
      } catch (e) {
        if (e instanceof PkiInputError) throw invalidRequest(e.message);
        throw e;
      }
      const cert = await issueAndRegister(ctx, { subjectDer: csr.subjectDer, spkiDer: csr.spkiDer }, setAsActive);
      return ok({
        certificateArn: cert.certificateArn,
        certificateId: cert.certificateId,
        certificatePem: cert.certificatePem,
      });
    },
  },
  {
    method: 'POST',
    path: '/certificate/register',
    operation: 'RegisterCertificate',
    handler: (req, ctx) => {
      const { setAsActive } = parseInput(setAsActiveQuery, req.queryObject());
      const body = parseInput(registerBody, req.json());
      const status = registrationStatus(setAsActive, body.status);
      const parsed = readCertificate(body.certificatePem);
      checkNotRegistered(ctx, parsed.certificateId);
      checkValidity(ctx, parsed);
      const ca = findSigningCa(ctx, parsed, body.caCertificatePem);
      // Only an ACTIVE CA vouches for new device certificates.
      if (ca.status !== 'ACTIVE') {
        throw certificateState(
          `The CA certificate ${ca.certificateId} is ${ca.status}; it must be ACTIVE to register certificates it signed.`,
        );
      }
      // A device certificate takes the certificate mode of the CA that signed it.
      const cert = newCertificateRecord(ctx, {
        ...parsed,
        status,
        mode: ca.certificateMode,
        caCertificateId: ca.certificateId,
      });
      ctx.store.commit((tx) => tx.put('certificates', cert.certificateId, cert));
      return ok({ certificateArn: cert.certificateArn, certificateId: cert.certificateId });
    },
  },
  {
    method: 'POST',
    path: '/certificate/register-no-ca',
    operation: 'RegisterCertificateWithoutCA',
    handler: (req, ctx) => {
      const body = parseInput(registerNoCaBody, req.json());
      const status = registrationStatus(false, body.status);
      const parsed = readCertificate(body.certificatePem);
      checkNotRegistered(ctx, parsed.certificateId);
      checkValidity(ctx, parsed);
      // Without a CA AWS can only tell devices apart by SNI: such certificates are SNI_ONLY.
      const cert = newCertificateRecord(ctx, { ...parsed, status, mode: 'SNI_ONLY' });
      ctx.store.commit((tx) => tx.put('certificates', cert.certificateId, cert));
      return ok({ certificateArn: cert.certificateArn, certificateId: cert.certificateId });
    },
  },
  {
    method: 'GET',
    path: '/certificates/{certificateId}',
    operation: 'DescribeCertificate',
    handler: (req, ctx) => {
      const c = requireCertificate(ctx, idParam(req));
      return ok({
        certificateDescription: {
          certificateArn: c.certificateArn,
          certificateId: c.certificateId,
          caCertificateId: c.caCertificateId,
          status: c.status,
          certificatePem: c.certificatePem,
          ownedBy: c.ownedBy,
          creationDate: epochSeconds(c.creationDate),
          lastModifiedDate: epochSeconds(c.lastModifiedDate),
          customerVersion: c.customerVersion,
          transferData: {},
          generationId: c.generationId,
          validity: { notBefore: epochSeconds(c.notBefore), notAfter: epochSeconds(c.notAfter) },
          certificateMode: c.certificateMode,
        },
      });
    },
  },
  {
    method: 'GET',
    path: '/certificates',
    operation: 'ListCertificates',
    handler: (req, ctx) => {
      const q = parseInput(listQuery, req.queryObject());
      const coll = ctx.store.c.certificates;
      const page = pageByCreation(coll, keysByCreation(coll), {
        marker: q.marker,
        pageSize: q.pageSize ?? 25,
        ascending: q.isAscendingOrder,
      });
      return ok({ certificates: page.items.map(summary), nextMarker: page.nextMarker });
    },
  },
  {
    method: 'GET',
    path: '/certificates-by-ca/{caCertificateId}',
    operation: 'ListCertificatesByCA',
    handler: (req, ctx) => {
      const caId = idParam(req, 'caCertificateId');
      const q = parseInput(listQuery, req.queryObject());
      const coll = ctx.store.c.certificates;
      const page = pageByCreation(coll, indexedKeysByCreation(coll, 'ca', caId), {
        marker: q.marker,
        pageSize: q.pageSize ?? 25,
        ascending: q.isAscendingOrder,
      });
      return ok({ certificates: page.items.map(summary), nextMarker: page.nextMarker });
    },
  },
  {
    method: 'PUT',
    path: '/certificates/{certificateId}',
    operation: 'UpdateCertificate',
    handler: (req, ctx) => {
      const id = idParam(req);
      const { newStatus } = parseInput(updateQuery, req.queryObject());
      const cert = requireCertificate(ctx, id);
      checkStatusChange(cert, newStatus);
      // Idempotent: setting the status it already has changes nothing.
      if (cert.status === newStatus) return ok({});
      const updated = touched(ctx, cert, { status: newStatus });
      ctx.store.commit((tx) => tx.put('certificates', id, updated));
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/certificates/{certificateId}',
    operation: 'DeleteCertificate',
    handler: (req, ctx) => {
      const id = idParam(req);
      const { forceDelete } = parseInput(deleteQuery, req.queryObject());
      const cert = requireCertificate(ctx, id);
      // AWS's order: the status first (406), then things (409), then policies (409 unless forceDelete).
      if (cert.status === 'ACTIVE') {
        throw certificateState('Certificate must be deactivated (not ACTIVE) before deletion.');
      }
      if (cert.status === 'PENDING_TRANSFER') {
        throw certificateState('Certificate is pending transfer; cancel or reject the transfer before deletion.');
      }
      const things = ctx.store.c.thingPrincipals.findBy('principal', cert.certificateArn);
      if (things.length > 0) {
        throw deleteConflict(
          `Things must be detached before deletion (arn: ${cert.certificateArn}; attached to ${things.map((t) => t.thingName).join(', ')}).`,
        );
      }
      const attachments = ctx.store.c.policyAttachments.keysBy('target', cert.certificateArn);
      if (attachments.length > 0 && !forceDelete) {
        throw deleteConflict(`Certificate policies must be detached before deletion (arn: ${cert.certificateArn}).`);
      }
      // forceDelete detaches the policies in the same commit that deletes the certificate.
      ctx.store.commit((tx) => {
        for (const key of attachments) tx.delete('policyAttachments', key);
        tx.delete('certificates', id);
      });
      return ok({});
    },
  },
];
