import { z } from 'zod';
import { MAX_PROVISIONING_TEMPLATE_BODY_CHARS, provisioningTemplateName } from '../../../lib/validation/iot-names';
import { createProvisioningClaim } from '../../iot/provisioning-claims';
import {
  createProvisioningTemplate,
  createProvisioningTemplateVersion,
  deleteProvisioningTemplate,
  deleteProvisioningTemplateVersion,
  listProvisioningTemplates,
  listProvisioningTemplateVersions,
  requireTemplate,
  requireTemplateVersion,
  updateProvisioningTemplate,
} from '../../iot/provisioning-templates';
import { TEMPLATE_TYPES } from '../../provisioning/template';
import type { ProvisioningTemplateRecord } from '../../store/records';
import { epochSeconds } from '../../time';
import { pageSize, queryBoolean, tags } from '../params';
import { type ApiRequest, ok, parseInput } from '../request';
import type { Route } from '../router';

/** Provisioning templates (fleet provisioning and JITP), their versions, and provisioning claims. */

const templateBody = z
  .string({ message: 'Member must not be null' })
  .max(MAX_PROVISIONING_TEMPLATE_BODY_CHARS, 'Member must have length less than or equal to 10240');
const description = z
  .string()
  .max(500, 'Member must have length less than or equal to 500')
  .regex(/^\P{C}*$/u, 'Member must satisfy regular expression pattern: [^\\p{C}]*');
const roleArn = z
  .string({ message: 'Member must not be null' })
  .min(20, 'Member must have length greater than or equal to 20')
  .max(2048, 'Member must have length less than or equal to 2048');
const hook = z.object({
  targetArn: z.string({ message: 'Member must not be null' }).max(2048),
  payloadVersion: z
    .string()
    .min(10, 'Member must have length greater than or equal to 10')
    .max(32, 'Member must have length less than or equal to 32')
    .regex(/^[0-9-]+$/, 'Member must satisfy regular expression pattern: ^[0-9-]+$')
    .optional(),
});
const versionId = z.coerce.number({ message: 'Member must be an integer' }).int('Member must be an integer');

const createBody = z.object({
  templateName: provisioningTemplateName,
  templateBody,
  provisioningRoleArn: roleArn,
  description: description.optional(),
  enabled: z.boolean().optional(),
  preProvisioningHook: hook.optional(),
  tags: tags.optional(),
  type: z
    .enum(TEMPLATE_TYPES, { message: `Member must satisfy enum value set: [${TEMPLATE_TYPES.join(', ')}]` })
    .optional(),
});

const updateBody = z.object({
  description: description.optional(),
  enabled: z.boolean().optional(),
  defaultVersionId: z.number().int().optional(),
  provisioningRoleArn: roleArn.optional(),
  preProvisioningHook: hook.optional(),
  removePreProvisioningHook: z.boolean().optional(),
});

const listQuery = z.object({ maxResults: pageSize().optional(), nextToken: z.string().optional() });

const nameParam = (req: ApiRequest) => parseInput(provisioningTemplateName, req.params.templateName, 'templateName');
const versionParam = (req: ApiRequest) => parseInput(versionId, req.params.versionId, 'versionId');

const summary = (t: ProvisioningTemplateRecord) => ({
  templateArn: t.templateArn,
  templateName: t.templateName,
  description: t.description,
  creationDate: epochSeconds(t.creationDate),
  lastModifiedDate: epochSeconds(t.lastModifiedDate),
  enabled: t.enabled,
  type: t.type,
});

export const provisioningTemplatesRoutes: Route[] = [
  {
    method: 'POST',
    path: '/provisioning-templates',
    operation: 'CreateProvisioningTemplate',
    handler: (req, ctx) => {
      const t = createProvisioningTemplate(ctx, parseInput(createBody, req.json()));
      return ok({ templateArn: t.templateArn, templateName: t.templateName, defaultVersionId: t.defaultVersionId });
    },
  },
  {
    method: 'GET',
    path: '/provisioning-templates',
    operation: 'ListProvisioningTemplates',
    handler: (req, ctx) => {
      const q = parseInput(listQuery, req.queryObject());
      const page = listProvisioningTemplates(ctx, { token: q.nextToken, limit: q.maxResults ?? 25 });
      return ok({ templates: page.items.map(summary), nextToken: page.next });
    },
  },
  {
    method: 'GET',
    path: '/provisioning-templates/{templateName}',
    operation: 'DescribeProvisioningTemplate',
    handler: (req, ctx) => {
      const t = requireTemplate(ctx.store, nameParam(req));
      return ok({
        ...summary(t),
        defaultVersionId: t.defaultVersionId,
        templateBody: requireTemplateVersion(t, t.defaultVersionId).templateBody,
        provisioningRoleArn: t.provisioningRoleArn,
        preProvisioningHook: t.preProvisioningHook,
      });
    },
  },
  {
    method: 'PATCH',
    path: '/provisioning-templates/{templateName}',
    operation: 'UpdateProvisioningTemplate',
    handler: (req, ctx) => {
      updateProvisioningTemplate(ctx, nameParam(req), parseInput(updateBody, req.json()));
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/provisioning-templates/{templateName}',
    operation: 'DeleteProvisioningTemplate',
    handler: (req, ctx) => {
      deleteProvisioningTemplate(ctx, nameParam(req));
      return ok({});
    },
  },
  {
    method: 'POST',
    path: '/provisioning-templates/{templateName}/versions',
    operation: 'CreateProvisioningTemplateVersion',
    handler: (req, ctx) => {
      const name = nameParam(req);
      const body = parseInput(z.object({ templateBody }), req.json());
      const { setAsDefault = false } = parseInput(
        z.object({ setAsDefault: queryBoolean.optional() }),
        req.queryObject(),
      );
      const { template, version } = createProvisioningTemplateVersion(ctx, name, body.templateBody, setAsDefault);
      return ok({
        templateArn: template.templateArn,
        templateName: template.templateName,
        versionId: version.versionId,
        isDefaultVersion: template.defaultVersionId === version.versionId,
      });
    },
  },
  {
    method: 'GET',
    path: '/provisioning-templates/{templateName}/versions',
    operation: 'ListProvisioningTemplateVersions',
    handler: (req, ctx) => {
      const name = nameParam(req);
      const q = parseInput(listQuery, req.queryObject());
      const template = requireTemplate(ctx.store, name);
      const page = listProvisioningTemplateVersions(ctx, name, { token: q.nextToken, limit: q.maxResults ?? 25 });
      return ok({
        versions: page.items.map((v) => ({
          versionId: v.versionId,
          creationDate: epochSeconds(v.creationDate),
          isDefaultVersion: v.versionId === template.defaultVersionId,
        })),
        nextToken: page.next,
      });
    },
  },
  {
    method: 'GET',
    path: '/provisioning-templates/{templateName}/versions/{versionId}',
    operation: 'DescribeProvisioningTemplateVersion',
    handler: (req, ctx) => {
      const name = nameParam(req);
      const id = versionParam(req);
      const template = requireTemplate(ctx.store, name);
      const v = requireTemplateVersion(template, id);
      return ok({
        versionId: v.versionId,
        creationDate: epochSeconds(v.creationDate),
        templateBody: v.templateBody,
        isDefaultVersion: v.versionId === template.defaultVersionId,
      });
    },
  },
  {
    method: 'DELETE',
    path: '/provisioning-templates/{templateName}/versions/{versionId}',
    operation: 'DeleteProvisioningTemplateVersion',
    handler: (req, ctx) => {
      const name = nameParam(req);
      deleteProvisioningTemplateVersion(ctx, name, versionParam(req));
      return ok({});
    },
  },
  {
    method: 'POST',
    path: '/provisioning-templates/{templateName}/provisioning-claim',
    operation: 'CreateProvisioningClaim',
    handler: async (req, ctx) => {
      const { claim, keys } = await createProvisioningClaim(ctx, nameParam(req));
      // The private key exists only in this answer, as on AWS: neither stored nor logged.
      return ok({
        certificateId: claim.certificateId,
        certificatePem: claim.certificatePem,
        keyPair: { PublicKey: keys.publicKeyPem, PrivateKey: keys.privateKeyPem },
        expiration: epochSeconds(claim.expiration),
      });
    },
  },
];
