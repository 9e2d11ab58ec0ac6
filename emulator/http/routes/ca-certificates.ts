import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { certificateId } from '../../../lib/validation/iot-names';
import { arns } from '../../config';
import type { EmulatorContext } from '../../context';
import {
  alreadyExists,
  certificateState,
  certificateValidation,
  invalidRequest,
  limitExceeded,
  registrationCodeValidation,
} from '../../errors';
import {
  caX509,
  checkValidity,
  keysByCreation,
  normaliseId,
  pageByCreation,
  readCertificate,
  requireCaCertificate,
  touched,
} from '../../iot/certificates';
import { commonName, isSignedBy } from '../../pki/certificates';
import type { CaCertificateRecord, RegistrationConfig } from '../../store/records';
import { epochSeconds } from '../../time';
import { pageSize } from '../paginate';
import { ok, parseInput } from '../request';
import type { Route } from '../router';
import { marker, queryBoolean } from './certificates';

/** AWS allows at most this many registered CA certificates with the same subject in an account. */
const MAX_CAS_PER_SUBJECT = 10;

const REGISTRATION_CODE_KEY = 'registrationCode';

const certificatePem = z
  .string({ message: 'Member must not be null' })
  .min(1, 'Member must have length greater than or equal to 1')
  .max(65536, 'Member must have length less than or equal to 65536');

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

const tags = z
  .array(
    z.object({
      Key: z.string().min(1, 'Member must have length greater than or equal to 1').max(128),
      Value: z.string().max(256).optional(),
    }),
  )
  .max(50);

const registerQuery = z.object({ setAsActive: queryBoolean, allowAutoRegistration: queryBoolean });

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
  isAscendingOrder: queryBoolean,
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

const caIdParam = (req: { params: Readonly<Record<string, string>> }) =>
  normaliseId(parseInput(certificateId, req.params.caCertificateId, 'caCertificateId'));

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

/** The account's registration code: made on first use and then never changes (until deleted). */
export function registrationCode(ctx: EmulatorContext): string {
  const existing = ctx.store.c.meta.get(REGISTRATION_CODE_KEY);
  if (existing) return existing.value;
  const value = randomBytes(32).toString('hex');
  ctx.store.commit((tx) => tx.put('meta', REGISTRATION_CODE_KEY, { value }));
  return value;
}

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
      if (ctx.store.c.meta.has(REGISTRATION_CODE_KEY)) {
        ctx.store.commit((tx) => tx.delete('meta', REGISTRATION_CODE_KEY));
      }
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
      const mode = body.certificateMode ?? 'DEFAULT';
      // DEFAULT mode proves possession of the CA's key with a verification certificate; SNI_ONLY has none.
      if (mode === 'SNI_ONLY' && body.verificationCertificate !== undefined) {
        throw invalidRequest('verificationCertificate must be empty when certificateMode is SNI_ONLY.');
      }
      if (mode === 'DEFAULT' && body.verificationCertificate === undefined) {
        throw invalidRequest(
          'verificationCertificate is required when certificateMode is DEFAULT (or not given); use SNI_ONLY to register without one.',
        );
      }
      checkRegistrationConfig(body.registrationConfig);

      const ca = readCertificate(body.caCertificate, 'CA certificate');
      const existing = ctx.store.c.caCertificates.get(ca.certificateId);
      if (existing)
        throw alreadyExists('The CA certificate is already registered', ca.certificateId, existing.certificateArn);
      if (!ca.x509.ca) {
        throw certificateValidation('The certificate is not a CA certificate: its basicConstraints must have CA:TRUE.');
      }
      checkValidity(ctx, ca, 'The CA certificate');

      if (body.verificationCertificate !== undefined) {
        const verification = readCertificate(body.verificationCertificate, 'verification certificate');
        const code = ctx.store.c.meta.get(REGISTRATION_CODE_KEY)?.value;
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
      for (const other of ctx.store.c.caCertificates.values()) {
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
        status: q.setAsActive ? 'ACTIVE' : 'INACTIVE',
        autoRegistrationStatus: q.allowAutoRegistration ? 'ENABLE' : 'DISABLE',
        registrationConfig: body.registrationConfig,
        tags: body.tags,
        certificateMode: mode,
        ownedBy: ctx.config.accountId,
        creationDate: now,
        lastModifiedDate: now,
        customerVersion: 1,
        generationId: randomUUID(),
        notBefore: ca.notBefore,
        notAfter: ca.notAfter,
      };
      ctx.store.commit((tx) => tx.put('caCertificates', record.certificateId, record));
      return ok({ certificateArn: record.certificateArn, certificateId: record.certificateId });
    },
  },
  {
    method: 'GET',
    path: '/cacertificate/{caCertificateId}',
    operation: 'DescribeCACertificate',
    handler: (req, ctx) => {
      const ca = requireCaCertificate(ctx, caIdParam(req));
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
      const coll = ctx.store.c.caCertificates;
      const page = pageByCreation(coll, keysByCreation(coll), {
        marker: q.marker,
        pageSize: q.pageSize ?? 25,
        ascending: q.isAscendingOrder,
        filter: q.templateName ? (ca) => ca.registrationConfig?.templateName === q.templateName : undefined,
      });
      return ok({
        certificates: page.items.map((ca) => ({
          certificateArn: ca.certificateArn,
          certificateId: ca.certificateId,
          status: ca.status,
          creationDate: epochSeconds(ca.creationDate),
        })),
        nextMarker: page.nextMarker,
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
      if (body.removeAutoRegistration && body.registrationConfig) {
        throw invalidRequest('registrationConfig and removeAutoRegistration cannot be given together.');
      }
      checkRegistrationConfig(body.registrationConfig);
      const ca = requireCaCertificate(ctx, id);
      const changes: Partial<CaCertificateRecord> = {};
      if (q.newStatus) changes.status = q.newStatus;
      if (q.newAutoRegistrationStatus) changes.autoRegistrationStatus = q.newAutoRegistrationStatus;
      if (body.registrationConfig) changes.registrationConfig = body.registrationConfig;
      if (body.removeAutoRegistration) changes.registrationConfig = undefined;
      if (Object.keys(changes).length === 0) return ok({});
      const updated = touched(ctx, ca, changes);
      ctx.store.commit((tx) => tx.put('caCertificates', id, updated));
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/cacertificate/{caCertificateId}',
    operation: 'DeleteCACertificate',
    handler: (req, ctx) => {
      const id = caIdParam(req);
      const ca = requireCaCertificate(ctx, id);
      // A CA must be deactivated before it is deleted.
      if (ca.status === 'ACTIVE') {
        throw certificateState('The CA certificate must be deactivated (INACTIVE) before deletion.');
      }
      ctx.store.commit((tx) => tx.delete('caCertificates', id));
      return ok({});
    },
  },
];
