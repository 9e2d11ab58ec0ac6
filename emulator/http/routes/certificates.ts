import { z } from 'zod';
import { certificateId } from '../../../lib/validation/iot-names';
import {
  createCertificateFromCsr,
  createKeysAndCertificate,
  deleteCertificate,
  listCertificates,
  normaliseId,
  registerCertificate,
  registerCertificateWithoutCa,
  registrationStatus,
  requireCertificate,
  updateCertificateStatus,
} from '../../iot/certificates';
import { CERTIFICATE_STATUSES } from '../../../lib/iot/certificate-status';
import type { CertificateRecord } from '../../store/records';
import { epochSeconds } from '../../time';
import { certificatePem, marker, pageSize, queryFlag } from '../params';
import { type ApiRequest, ok, parseInput } from '../request';
import type { Route } from '../router';

const certificateStatus = z.enum(CERTIFICATE_STATUSES, {
  message: `Member must satisfy enum value set: [${CERTIFICATE_STATUSES.join(', ')}]`,
});

const setAsActiveQuery = z.object({ setAsActive: queryFlag });

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
  isAscendingOrder: queryFlag,
});

const updateQuery = z.object({ newStatus: certificateStatus });
const deleteQuery = z.object({ forceDelete: queryFlag });

const idParam = (req: ApiRequest, name = 'certificateId') =>
  normaliseId(parseInput(certificateId, req.params[name], name));

function listPage(req: ApiRequest) {
  const q = parseInput(listQuery, req.queryObject());
  return { marker: q.marker, pageSize: q.pageSize ?? 25, ascending: q.isAscendingOrder };
}

const summary = (c: CertificateRecord) => ({
  certificateArn: c.certificateArn,
  certificateId: c.certificateId,
  status: c.status,
  certificateMode: c.certificateMode,
  creationDate: epochSeconds(c.creationDate),
});

export const certificatesRoutes: Route[] = [
  {
    method: 'POST',
    path: '/keys-and-certificate',
    operation: 'CreateKeysAndCertificate',
    handler: async (req, ctx) => {
      const { setAsActive } = parseInput(setAsActiveQuery, req.queryObject());
      const { certificate: cert, keys } = await createKeysAndCertificate(ctx, setAsActive);
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
      const cert = await createCertificateFromCsr(ctx, body.certificateSigningRequest, setAsActive);
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
      const cert = registerCertificate(ctx, {
        certificatePem: body.certificatePem,
        caCertificatePem: body.caCertificatePem,
        status: registrationStatus(setAsActive, body.status),
      });
      return ok({ certificateArn: cert.certificateArn, certificateId: cert.certificateId });
    },
  },
  {
    method: 'POST',
    path: '/certificate/register-no-ca',
    operation: 'RegisterCertificateWithoutCA',
    handler: (req, ctx) => {
      const body = parseInput(registerNoCaBody, req.json());
      const cert = registerCertificateWithoutCa(ctx, {
        certificatePem: body.certificatePem,
        status: registrationStatus(false, body.status),
      });
      return ok({ certificateArn: cert.certificateArn, certificateId: cert.certificateId });
    },
  },
  {
    method: 'GET',
    path: '/certificates/{certificateId}',
    operation: 'DescribeCertificate',
    handler: (req, ctx) => {
      const c = requireCertificate(ctx.store, idParam(req));
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
      const page = listCertificates(ctx, listPage(req));
      return ok({ certificates: page.items.map(summary), nextMarker: page.next });
    },
  },
  {
    method: 'GET',
    path: '/certificates-by-ca/{caCertificateId}',
    operation: 'ListCertificatesByCA',
    handler: (req, ctx) => {
      const caCertificateId = idParam(req, 'caCertificateId');
      const page = listCertificates(ctx, { ...listPage(req), caCertificateId });
      return ok({ certificates: page.items.map(summary), nextMarker: page.next });
    },
  },
  {
    method: 'PUT',
    path: '/certificates/{certificateId}',
    operation: 'UpdateCertificate',
    handler: (req, ctx) => {
      const id = idParam(req);
      const { newStatus } = parseInput(updateQuery, req.queryObject());
      updateCertificateStatus(ctx, id, newStatus);
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
      deleteCertificate(ctx, id, forceDelete);
      return ok({});
    },
  },
];
