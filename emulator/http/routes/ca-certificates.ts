import { z } from 'zod';
import { certificateId } from '../../../lib/validation/iot-names';
import {
  deleteCaCertificate,
  deleteRegistrationCode,
  listCaCertificates,
  registerCaCertificate,
  registrationCode,
  requireCaCertificate,
  updateCaCertificate,
} from '../../iot/ca-certificates';
import { normaliseId } from '../../iot/certificates';
import { epochSeconds } from '../../time';
import { certificatePem, marker, pageSize, queryFlag, tags } from '../params';
import { type ApiRequest, ok, parseInput } from '../request';
import type { Route } from '../router';

const templateName = z
  .string()
  .min(1, 'Member must have length greater than or equal to 1')
  .max(36, 'Member must have length less than or equal to 36')
  .regex(/^[0-9A-Za-z_-]+$/, 'Member must satisfy regular expression pattern: ^[0-9A-Za-z_-]+$');

const registrationConfig = z.object({
  templateBody: z.string().max(10240, 'Member must have length less than or equal to 10240').optional(),
  roleArn: z
    .string()
    .min(20, 'Member must have length greater than or equal to 20')
    .max(2048, 'Member must have length less than or equal to 2048')
    .optional(),
  templateName: templateName.optional(),
});

const certificateMode = z.enum(['DEFAULT', 'SNI_ONLY'], {
  message: 'Member must satisfy enum value set: [DEFAULT, SNI_ONLY]',
});

const registerQuery = z.object({ setAsActive: queryFlag, allowAutoRegistration: queryFlag });

const registerBody = z.object({
  caCertificate: certificatePem,
  verificationCertificate: certificatePem.optional(),
  registrationConfig: registrationConfig.optional(),
  certificateMode: certificateMode.optional(),
  tags: tags.optional(),
});

const listQuery = z.object({
  pageSize: pageSize(250).optional(),
  marker: marker.optional(),
  isAscendingOrder: queryFlag,
  templateName: templateName.optional(),
});

const updateQuery = z.object({
  newStatus: z
    .enum(['ACTIVE', 'INACTIVE'], { message: 'Member must satisfy enum value set: [ACTIVE, INACTIVE]' })
    .optional(),
  newAutoRegistrationStatus: z
    .enum(['ENABLE', 'DISABLE'], { message: 'Member must satisfy enum value set: [ENABLE, DISABLE]' })
    .optional(),
});

const updateBody = z.object({
  registrationConfig: registrationConfig.optional(),
  removeAutoRegistration: z.boolean().optional(),
});

const caIdParam = (req: ApiRequest) =>
  normaliseId(parseInput(certificateId, req.params.caCertificateId, 'caCertificateId'));

export const caCertificatesRoutes: Route[] = [
  {
    method: 'GET',
    path: '/registrationcode',
    operation: 'GetRegistrationCode',
    handler: (_req, ctx) => ok({ registrationCode: registrationCode(ctx) }),
  },
  {
    method: 'DELETE',
    path: '/registrationcode',
    operation: 'DeleteRegistrationCode',
    handler: (_req, ctx) => {
      deleteRegistrationCode(ctx);
      return ok({});
    },
  },
  {
    method: 'POST',
    path: '/cacertificate',
    operation: 'RegisterCACertificate',
    handler: (req, ctx) => {
      const q = parseInput(registerQuery, req.queryObject());
      const body = parseInput(registerBody, req.json());
      const record = registerCaCertificate(ctx, {
        caCertificate: body.caCertificate,
        verificationCertificate: body.verificationCertificate,
        registrationConfig: body.registrationConfig,
        certificateMode: body.certificateMode ?? 'DEFAULT',
        tags: body.tags,
        setAsActive: q.setAsActive,
        allowAutoRegistration: q.allowAutoRegistration,
      });
      return ok({ certificateArn: record.certificateArn, certificateId: record.certificateId });
    },
  },
  {
    method: 'GET',
    path: '/cacertificate/{caCertificateId}',
    operation: 'DescribeCACertificate',
    handler: (req, ctx) => {
      const ca = requireCaCertificate(ctx.store, caIdParam(req));
      return ok({
        certificateDescription: {
          certificateArn: ca.certificateArn,
          certificateId: ca.certificateId,
          status: ca.status,
          certificatePem: ca.certificatePem,
          ownedBy: ca.ownedBy,
          creationDate: epochSeconds(ca.creationDate),
          autoRegistrationStatus: ca.autoRegistrationStatus,
          lastModifiedDate: epochSeconds(ca.lastModifiedDate),
          customerVersion: ca.customerVersion,
          generationId: ca.generationId,
          validity: { notBefore: epochSeconds(ca.notBefore), notAfter: epochSeconds(ca.notAfter) },
          certificateMode: ca.certificateMode,
        },
        registrationConfig: ca.registrationConfig ?? {},
      });
    },
  },
  {
    method: 'GET',
    path: '/cacertificates',
    operation: 'ListCACertificates',
    handler: (req, ctx) => {
      const q = parseInput(listQuery, req.queryObject());
      const page = listCaCertificates(ctx, {
        marker: q.marker,
        pageSize: q.pageSize ?? 25,
        ascending: q.isAscendingOrder,
        templateName: q.templateName,
      });
      return ok({
        certificates: page.items.map((ca) => ({
          certificateArn: ca.certificateArn,
          certificateId: ca.certificateId,
          status: ca.status,
          creationDate: epochSeconds(ca.creationDate),
        })),
        nextMarker: page.next,
      });
    },
  },
  {
    method: 'PUT',
    path: '/cacertificate/{caCertificateId}',
    operation: 'UpdateCACertificate',
    handler: (req, ctx) => {
      const id = caIdParam(req);
      const q = parseInput(updateQuery, req.queryObject());
      const body = parseInput(updateBody, req.json());
      updateCaCertificate(ctx, id, { ...q, ...body });
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/cacertificate/{caCertificateId}',
    operation: 'DeleteCACertificate',
    handler: (req, ctx) => {
      deleteCaCertificate(ctx, caIdParam(req));
      return ok({});
    },
  },
];
