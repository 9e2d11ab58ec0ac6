import { arns } from '../config';
import type { EmulatorContext } from '../context';
import {
  alreadyExists,
  deleteConflict,
  invalidRequest,
  limitExceeded,
  notFound,
  versionsLimitExceeded,
} from '../errors';
import { LAMBDA_FUNCTION_ARN } from '../lambda-endpoints';
import { checkTemplateBody, TemplateError, type TemplateType } from '../provisioning/template';
import type {
  ProvisioningHookRecord,
  ProvisioningTemplateRecord,
  ProvisioningTemplateVersionRecord,
} from '../store/records';
import { MAX_PROVISIONING_TEMPLATE_VERSIONS, MAX_PROVISIONING_TEMPLATES } from './limits';
import { type Page, type PageRequest, paginate } from './paging';
import { inTransaction, type Reader, type Transaction } from './transaction';

/**
 * Provisioning templates and their versions (CreateProvisioningTemplate, UpdateProvisioningTemplate, the deletes
 * and the version operations), with AWS's rules: a body the template engine accepts for the template's type
 * (emulator/provisioning/template-types.ts), a role ARN, a pre-provisioning hook naming a Lambda function (fleet
 * provisioning templates only), 256 templates, five versions, the default version never deleted.
 */

/** The hook payload version AWS documents (and the only one it sends). */
export const HOOK_PAYLOAD_VERSION = '2020-04-01';

const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export interface TemplateInput {
  templateName: string;
  templateBody: string;
  provisioningRoleArn: string;
  type?: TemplateType;
  description?: string;
  enabled?: boolean;
  preProvisioningHook?: { targetArn: string; payloadVersion?: string };
  tags?: { Key: string; Value?: string }[];
}

export interface TemplateChanges {
  description?: string;
  enabled?: boolean;
  defaultVersionId?: number;
  provisioningRoleArn?: string;
  preProvisioningHook?: { targetArn: string; payloadVersion?: string };
  removePreProvisioningHook?: boolean;
}

export function requireTemplate(r: Reader, name: string): ProvisioningTemplateRecord {
  const template = r.c.provisioningTemplates.get(name);
  if (!template) throw notFound(`The provisioning template ${name} does not exist.`);
  return template;
}

export function requireTemplateVersion(t: ProvisioningTemplateRecord, id: number): ProvisioningTemplateVersionRecord {
  const version = t.versions.find((v) => v.versionId === id);
  if (!version) throw notFound(`Version ${id} of provisioning template ${t.templateName} does not exist.`);
  return version;
}

/** The body of the template's default version: what RegisterThing and JITP evaluate. */
export function defaultTemplateBody(t: ProvisioningTemplateRecord): string {
  return requireTemplateVersion(t, t.defaultVersionId).templateBody;
}

/** The body checked by the template engine for the template's type; its complaint is the caller's error. */
function checkBody(body: string, type: TemplateType): void {
  try {
    checkTemplateBody(body, type);
  } catch (e) {
    if (e instanceof TemplateError) throw invalidRequest(`The provisioning template body is not valid: ${e.message}`);
    throw e;
  }
}

function checkRoleArn(arn: string): void {
  if (!ROLE_ARN.test(arn)) {
    throw invalidRequest(
      `provisioningRoleArn '${arn.slice(0, 200)}' is not an IAM role ARN (arn:aws:iam::account:role/name).`,
    );
  }
}

function checkHook(hook: { targetArn: string; payloadVersion?: string }, type: TemplateType): ProvisioningHookRecord {
  if (type !== 'FLEET_PROVISIONING') {
    throw invalidRequest('A pre-provisioning hook can only be added to a FLEET_PROVISIONING template.');
  }
  if (!LAMBDA_FUNCTION_ARN.test(hook.targetArn)) {
    throw invalidRequest(
      `preProvisioningHook.targetArn '${hook.targetArn.slice(0, 200)}' is not a Lambda function ARN; only Lambda functions are supported.`,
    );
  }
  const payloadVersion = hook.payloadVersion ?? HOOK_PAYLOAD_VERSION;
  if (payloadVersion !== HOOK_PAYLOAD_VERSION) {
    throw invalidRequest(
      `preProvisioningHook.payloadVersion ${payloadVersion} is not supported; use ${HOOK_PAYLOAD_VERSION}.`,
    );
  }
  return { targetArn: hook.targetArn, payloadVersion };
}

/** CreateProvisioningTemplate: version 1 of the body becomes the default; disabled unless `enabled`. */
export function createProvisioningTemplate(
  ctx: EmulatorContext,
  input: TemplateInput,
  tx?: Transaction,
): ProvisioningTemplateRecord {
  return inTransaction(ctx, tx, (tx) => {
    const name = input.templateName;
    const existing = tx.c.provisioningTemplates.get(name);
    if (existing) {
      throw alreadyExists(`A provisioning template named ${name} already exists.`, name, existing.templateArn);
    }
    const type = input.type ?? 'FLEET_PROVISIONING';
    checkBody(input.templateBody, type);
    checkRoleArn(input.provisioningRoleArn);
    const hook = input.preProvisioningHook ? checkHook(input.preProvisioningHook, type) : undefined;
    if ([...tx.c.provisioningTemplates.values()].length >= MAX_PROVISIONING_TEMPLATES) {
      throw limitExceeded(
        `This account already has ${MAX_PROVISIONING_TEMPLATES} provisioning templates, the most AWS IoT allows. Delete one first.`,
      );
    }
    const now = ctx.now();
    const template: ProvisioningTemplateRecord = {
      templateName: name,
      templateArn: arns(ctx.config).provisioningTemplate(name),
      type,
      enabled: input.enabled ?? false,
      provisioningRoleArn: input.provisioningRoleArn,
      defaultVersionId: 1,
      versions: [{ versionId: 1, templateBody: input.templateBody, creationDate: now }],
      nextVersionId: 2,
      creationDate: now,
      lastModifiedDate: now,
    };
    if (input.description !== undefined) template.description = input.description;
    if (hook) template.preProvisioningHook = hook;
    if (input.tags?.length) template.tags = input.tags;
    tx.put('provisioningTemplates', name, template);
    return template;
  });
}

/** UpdateProvisioningTemplate: only what is given changes; a hook and its removal cannot come together. */
export function updateProvisioningTemplate(
  ctx: EmulatorContext,
  name: string,
  changes: TemplateChanges,
  tx?: Transaction,
): ProvisioningTemplateRecord {
  return inTransaction(ctx, tx, (tx) => {
    const template = requireTemplate(tx, name);
    if (changes.preProvisioningHook && changes.removePreProvisioningHook) {
      throw invalidRequest('preProvisioningHook and removePreProvisioningHook cannot be given together.');
    }
    const updated: ProvisioningTemplateRecord = { ...template, lastModifiedDate: ctx.now() };
    if (changes.description !== undefined) updated.description = changes.description;
    if (changes.enabled !== undefined) updated.enabled = changes.enabled;
    if (changes.defaultVersionId !== undefined) {
      updated.defaultVersionId = requireTemplateVersion(template, changes.defaultVersionId).versionId;
    }
    if (changes.provisioningRoleArn !== undefined) {
      checkRoleArn(changes.provisioningRoleArn);
      updated.provisioningRoleArn = changes.provisioningRoleArn;
    }
    if (changes.preProvisioningHook)
      updated.preProvisioningHook = checkHook(changes.preProvisioningHook, template.type);
    if (changes.removePreProvisioningHook) delete updated.preProvisioningHook;
    tx.put('provisioningTemplates', name, updated);
    return updated;
  });
}

/**
 * DeleteProvisioningTemplate, with every version. A JITP template a CA still names in its registrationConfig
 * cannot go (the CA's devices would meet a missing template): DeleteConflictException.
 */
export function deleteProvisioningTemplate(ctx: EmulatorContext, name: string, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    requireTemplate(tx, name);
    for (const ca of tx.c.caCertificates.values()) {
      if (ca.registrationConfig?.templateName === name) {
        throw deleteConflict(
          `The provisioning template ${name} is used by CA certificate ${ca.certificateId} for just-in-time provisioning. Update the CA's registrationConfig first.`,
        );
      }
    }
    tx.delete('provisioningTemplates', name);
  });
}

/** CreateProvisioningTemplateVersion: at most five versions; ids only grow. */
export function createProvisioningTemplateVersion(
  ctx: EmulatorContext,
  name: string,
  templateBody: string,
  setAsDefault: boolean,
  tx?: Transaction,
): { template: ProvisioningTemplateRecord; version: ProvisioningTemplateVersionRecord } {
  return inTransaction(ctx, tx, (tx) => {
    const template = requireTemplate(tx, name);
    checkBody(templateBody, template.type);
    if (template.versions.length >= MAX_PROVISIONING_TEMPLATE_VERSIONS) {
      throw versionsLimitExceeded(
        `The provisioning template ${name} already has ${MAX_PROVISIONING_TEMPLATE_VERSIONS} versions, the most AWS IoT keeps. Delete a version that is not the default first.`,
      );
    }
    const now = ctx.now();
    const version: ProvisioningTemplateVersionRecord = {
      versionId: template.nextVersionId,
      templateBody,
      creationDate: now,
    };
    const updated: ProvisioningTemplateRecord = {
      ...template,
      versions: [...template.versions, version],
      nextVersionId: template.nextVersionId + 1,
      defaultVersionId: setAsDefault ? version.versionId : template.defaultVersionId,
      lastModifiedDate: now,
    };
    tx.put('provisioningTemplates', name, updated);
    return { template: updated, version };
  });
}

/** DeleteProvisioningTemplateVersion: never the default version (DeleteConflictException). */
export function deleteProvisioningTemplateVersion(
  ctx: EmulatorContext,
  name: string,
  versionId: number,
  tx?: Transaction,
): void {
  inTransaction(ctx, tx, (tx) => {
    const template = requireTemplate(tx, name);
    requireTemplateVersion(template, versionId);
    if (template.defaultVersionId === versionId) {
      throw deleteConflict(
        `Version ${versionId} is the default version of provisioning template ${name} and cannot be deleted. Make another version the default, or delete the template.`,
      );
    }
    tx.put('provisioningTemplates', name, {
      ...template,
      versions: template.versions.filter((v) => v.versionId !== versionId),
      lastModifiedDate: ctx.now(),
    });
  });
}

/** ListProvisioningTemplates, in name order. */
export function listProvisioningTemplates(ctx: EmulatorContext, q: PageRequest): Page<ProvisioningTemplateRecord> {
  const coll = ctx.store.c.provisioningTemplates;
  return paginate(coll.sortedKeys(), (k) => coll.get(k), q);
}

/** ListProvisioningTemplateVersions, oldest first. */
export function listProvisioningTemplateVersions(
  ctx: EmulatorContext,
  name: string,
  q: PageRequest,
): Page<ProvisioningTemplateVersionRecord> {
  const template = requireTemplate(ctx.store, name);
  // Zero-padded ids sort as numbers, so the page token (the last key) orders them too.
  const byKey = new Map(template.versions.map((v) => [String(v.versionId).padStart(10, '0'), v]));
  return paginate([...byKey.keys()].sort(), (k) => byKey.get(k), q);
}
