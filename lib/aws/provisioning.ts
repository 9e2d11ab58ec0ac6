import 'server-only';

import {
  CreateProvisioningClaimCommand,
  CreateProvisioningTemplateCommand,
  CreateProvisioningTemplateVersionCommand,
  DeleteProvisioningTemplateCommand,
  DeleteProvisioningTemplateVersionCommand,
  DescribeProvisioningTemplateCommand,
  DescribeProvisioningTemplateVersionCommand,
  ListProvisioningTemplatesCommand,
  ListProvisioningTemplateVersionsCommand,
  UpdateProvisioningTemplateCommand,
} from '@aws-sdk/client-iot';

import { type CallOptions, callIot, clampPage } from './call';
import { AppError, toAppError } from './errors';

/**
 * Fleet provisioning in AWS IoT: provisioning templates (FLEET_PROVISIONING and JITP), their versions, and
 * provisioning claims. One typed function per operation, reshaping SDK output into the app's shapes below, with
 * AWS's template refusals (five versions, an invalid body, a name in use, a default version) worded for the
 * operator. Nothing here logs: CreateProvisioningClaim's answer holds a private key.
 */

export type ProvisioningTemplateType = 'FLEET_PROVISIONING' | 'JITP';

/** AWS IoT keeps at most five versions of a provisioning template. */
export const MAX_PROVISIONING_TEMPLATE_VERSIONS = 5;

/** A pre-provisioning hook: the Lambda function AWS IoT asks before it provisions a device. */
export interface PreProvisioningHook {
  targetArn: string;
  /** AWS's payload version; 2020-04-01 is the only one. */
  payloadVersion?: string;
}

export interface ProvisioningTemplateSummary {
  name: string;
  arn: string | undefined;
  description: string | undefined;
  type: ProvisioningTemplateType;
  enabled: boolean;
  createdAt: Date | undefined;
  lastModifiedAt: Date | undefined;
}

export interface ProvisioningTemplate extends ProvisioningTemplateSummary {
  /** The default version's body (JSON text). */
  body: string;
  defaultVersionId: number;
  provisioningRoleArn: string;
  preProvisioningHook: PreProvisioningHook | undefined;
}

export interface ProvisioningTemplateVersion {
  versionId: number;
  isDefault: boolean;
  createdAt: Date | undefined;
}

export interface ProvisioningTemplateVersionBody extends ProvisioningTemplateVersion {
  body: string;
}

export interface ProvisioningTemplatePage<T> {
  items: T[];
  nextToken?: string;
}

export interface CreateProvisioningTemplateInput {
  name: string;
  body: string;
  provisioningRoleArn: string;
  type?: ProvisioningTemplateType;
  description?: string;
  enabled?: boolean;
  preProvisioningHook?: PreProvisioningHook;
  tags?: { key: string; value?: string }[];
}

export interface UpdateProvisioningTemplateInput {
  description?: string;
  enabled?: boolean;
  defaultVersionId?: number;
  provisioningRoleArn?: string;
  preProvisioningHook?: PreProvisioningHook;
  removePreProvisioningHook?: boolean;
}

/** CreateProvisioningClaim's answer: a claim certificate and key for five minutes (the key only here, once). */
export interface ProvisioningClaim {
  certificateId: string;
  certificatePem: string;
  privateKeyPem: string;
  publicKeyPem: string;
  expiresAt: Date;
}

function awsMessage(err: AppError): string | undefined {
  const cause = err.cause as { message?: unknown } | undefined;
  return typeof cause?.message === 'string' && cause.message ? cause.message : undefined;
}

/** Rewords AWS's template refusals; anything else passes through. */
export function provisioningTemplateError(err: unknown, name: string): AppError {
  const app = err instanceof AppError ? err : toAppError(err);
  const wrap = (code: AppError['code'], message: string) =>
    new AppError(code, message, { source: app.source, cause: app });
  switch (app.source) {
    case 'VersionsLimitExceededException':
      return wrap(
        'limit_exceeded',
        `Provisioning template "${name}" already has ${MAX_PROVISIONING_TEMPLATE_VERSIONS} versions, the most AWS IoT keeps. Delete an old version that is not the default, then create the new one.`,
      );
    case 'InvalidRequestException':
      return wrap(
        'invalid_request',
        `AWS IoT refused the provisioning template: ${awsMessage(app) ?? 'it is invalid.'}`,
      );
    case 'ResourceAlreadyExistsException':
      return wrap('already_exists', `A provisioning template named "${name}" already exists. Choose another name.`);
    case 'ResourceNotFoundException':
      return wrap('not_found', `Provisioning template "${name}" (or that version of it) does not exist.`);
    case 'DeleteConflictException':
      return wrap('conflict', awsMessage(app) ?? `Provisioning template "${name}" is in use.`);
    case 'LimitExceededException':
      return wrap(
        'limit_exceeded',
        awsMessage(app) ?? 'This account has the most provisioning templates AWS IoT allows.',
      );
    default:
      return app;
  }
}

const resourceOf = (name: string) => `provisioning template "${name}"`;
const typeOf = (t: string | undefined): ProvisioningTemplateType => (t === 'JITP' ? 'JITP' : 'FLEET_PROVISIONING');
const hookOf = (h: { targetArn?: string; payloadVersion?: string } | undefined): PreProvisioningHook | undefined =>
  h?.targetArn ? { targetArn: h.targetArn, payloadVersion: h.payloadVersion } : undefined;

function call<T>(name: string, run: Parameters<typeof callIot<T>>[1], options: CallOptions): Promise<T> {
  return callIot(resourceOf(name), run, { ...options, mapError: (err) => provisioningTemplateError(err, name) });
}

/** CreateProvisioningTemplate: version 1 of `body` becomes the default. */
export async function createProvisioningTemplate(
  input: CreateProvisioningTemplateInput,
  options: CallOptions = {},
): Promise<{ name: string; arn: string | undefined; defaultVersionId: number }> {
  return call(
    input.name,
    async (client) => {
      const out = await client.send(
        new CreateProvisioningTemplateCommand({
          templateName: input.name,
          templateBody: input.body,
          provisioningRoleArn: input.provisioningRoleArn,
          type: input.type,
          description: input.description,
          enabled: input.enabled,
          preProvisioningHook: input.preProvisioningHook,
          tags: input.tags?.map((t) => ({ Key: t.key, Value: t.value })),
        }),
      );
      return {
        name: out.templateName ?? input.name,
        arn: out.templateArn,
        defaultVersionId: out.defaultVersionId ?? 1,
      };
    },
    options,
  );
}

/** DescribeProvisioningTemplate. A missing template throws AppError `not_found`. */
export async function describeProvisioningTemplate(
  name: string,
  options: CallOptions = {},
): Promise<ProvisioningTemplate> {
  return call(
    name,
    async (client) => {
      const out = await client.send(new DescribeProvisioningTemplateCommand({ templateName: name }));
      return {
        name: out.templateName ?? name,
        arn: out.templateArn,
        description: out.description,
        type: typeOf(out.type),
        enabled: Boolean(out.enabled),
        createdAt: out.creationDate,
        lastModifiedAt: out.lastModifiedDate,
        body: out.templateBody ?? '',
        defaultVersionId: out.defaultVersionId ?? 1,
        provisioningRoleArn: out.provisioningRoleArn ?? '',
        preProvisioningHook: hookOf(out.preProvisioningHook),
      };
    },
    options,
  );
}

/** One page of ListProvisioningTemplates. */
export async function listProvisioningTemplates(
  input: { nextToken?: string; maxResults?: number } = {},
  options: CallOptions = {},
): Promise<ProvisioningTemplatePage<ProvisioningTemplateSummary>> {
  return callIot(
    'provisioning template list',
    async (client) => {
      const out = await client.send(
        new ListProvisioningTemplatesCommand({
          nextToken: input.nextToken || undefined,
          maxResults: clampPage(input.maxResults),
        }),
      );
      const items = (out.templates ?? []).map((t) => ({
        name: t.templateName ?? '',
        arn: t.templateArn,
        description: t.description,
        type: typeOf(t.type),
        enabled: Boolean(t.enabled),
        createdAt: t.creationDate,
        lastModifiedAt: t.lastModifiedDate,
      }));
      return { items, nextToken: out.nextToken || undefined };
    },
    options,
  );
}

/** UpdateProvisioningTemplate: only what is given changes. */
export async function updateProvisioningTemplate(
  name: string,
  changes: UpdateProvisioningTemplateInput,
  options: CallOptions = {},
): Promise<void> {
  await call(
    name,
    (client) => client.send(new UpdateProvisioningTemplateCommand({ templateName: name, ...changes })),
    options,
  );
}

/** DeleteProvisioningTemplate, with all its versions. */
export async function deleteProvisioningTemplate(name: string, options: CallOptions = {}): Promise<void> {
  await call(name, (client) => client.send(new DeleteProvisioningTemplateCommand({ templateName: name })), options);
}

/** CreateProvisioningTemplateVersion; `setAsDefault` makes it the body devices get from now on. */
export async function createProvisioningTemplateVersion(
  name: string,
  body: string,
  setAsDefault = false,
  options: CallOptions = {},
): Promise<ProvisioningTemplateVersion> {
  return call(
    name,
    async (client) => {
      const out = await client.send(
        new CreateProvisioningTemplateVersionCommand({ templateName: name, templateBody: body, setAsDefault }),
      );
      return { versionId: out.versionId ?? 0, isDefault: Boolean(out.isDefaultVersion), createdAt: undefined };
    },
    options,
  );
}

/** Every version of a template (at most five, so one page), oldest first. */
export async function listProvisioningTemplateVersions(
  name: string,
  options: CallOptions = {},
): Promise<ProvisioningTemplateVersion[]> {
  return call(
    name,
    async (client) => {
      const versions: ProvisioningTemplateVersion[] = [];
      let nextToken: string | undefined;
      do {
        const out = await client.send(
          new ListProvisioningTemplateVersionsCommand({ templateName: name, nextToken, maxResults: 250 }),
        );
        for (const v of out.versions ?? []) {
          versions.push({
            versionId: v.versionId ?? 0,
            isDefault: Boolean(v.isDefaultVersion),
            createdAt: v.creationDate,
          });
        }
        nextToken = out.nextToken || undefined;
      } while (nextToken);
      return versions.sort((a, b) => a.versionId - b.versionId);
    },
    options,
  );
}

/** DescribeProvisioningTemplateVersion: one version's body (for a diff between versions). */
export async function describeProvisioningTemplateVersion(
  name: string,
  versionId: number,
  options: CallOptions = {},
): Promise<ProvisioningTemplateVersionBody> {
  return call(
    name,
    async (client) => {
      const out = await client.send(new DescribeProvisioningTemplateVersionCommand({ templateName: name, versionId }));
      return {
        versionId: out.versionId ?? versionId,
        isDefault: Boolean(out.isDefaultVersion),
        createdAt: out.creationDate,
        body: out.templateBody ?? '',
      };
    },
    options,
  );
}

/** DeleteProvisioningTemplateVersion: never the default version (AppError `conflict`). */
export async function deleteProvisioningTemplateVersion(
  name: string,
  versionId: number,
  options: CallOptions = {},
): Promise<void> {
  await call(
    name,
    (client) => client.send(new DeleteProvisioningTemplateVersionCommand({ templateName: name, versionId })),
    options,
  );
}

/**
 * CreateProvisioningClaim (provisioning by trusted user): a claim certificate and key good for five minutes.
 * The private key is returned once and must not be stored or logged.
 */
export async function createProvisioningClaim(name: string, options: CallOptions = {}): Promise<ProvisioningClaim> {
  return call(
    name,
    async (client) => {
      const out = await client.send(new CreateProvisioningClaimCommand({ templateName: name }));
      return {
        certificateId: out.certificateId ?? '',
        certificatePem: out.certificatePem ?? '',
        privateKeyPem: out.keyPair?.PrivateKey ?? '',
        publicKeyPem: out.keyPair?.PublicKey ?? '',
        expiresAt: out.expiration ?? new Date(Date.now() + 5 * 60 * 1000),
      };
    },
    options,
  );
}
