/**
 * Validation for one-device onboarding, shared by the form's action (everything checked before any AWS
 * call) and each step's action (every step is its own public endpoint, so it checks its input again).
 * Pure: zod + the PEM checks, no SDK.
 */
import { z } from 'zod';

import {
  attributeRows,
  attributesRecord,
  checkAttributeRows,
  readAttributeRows,
  type AttributeRow,
} from '../things/attributes';
import { MAX_ATTRIBUTES_WITH_TYPE, thingName as awsThingName } from '../validation/iot-names';
import { awsName, awsNameProblem, optionalAwsName } from '../validation/messages';
import { POLICY_TEMPLATES } from '../policies/templates';
import { containsPrivateKey, inspectCaCertificate, inspectCsr, inspectDeviceCertificate, MAX_PEM_LENGTH } from './pem';
import { roleAliasName } from './role-alias';
import type { Created, OnboardingPlan } from './types';

export const DEFAULT_TEMPLATE_ID = 'thing-scoped';

/** `<thing>-policy`, the name a template policy gets unless the operator gives one. */
export function defaultPolicyName(thing: string): string {
  return `${thing}-policy`;
}

const pemText = (label: string) =>
  z
    .string()
    .max(MAX_PEM_LENGTH, `A ${label} is at most ${MAX_PEM_LENGTH} characters.`)
    .transform((v) => v.trim());

const templateIds = POLICY_TEMPLATES.map((t) => t.id);

/** The raw form, as strings (attribute rows as lib/things/attributes.ts reads them). */
export interface OnboardingFormInput {
  thingName: string;
  thingTypeName: string;
  thingGroupName: string;
  attributes: AttributeRow[];
  credentialMode: string;
  keyAlgorithm: string;
  certificatePem: string;
  caCertificatePem: string;
  csrPem: string;
  policyMode: string;
  templateId: string;
  policyName: string;
  existingPolicyName: string;
  /** Empty or absent: no role alias. */
  roleAlias?: string;
}

const str = (fd: FormData, key: string) => {
  const v = fd.get(key);
  return typeof v === 'string' ? v : '';
};

export function readOnboardingForm(fd: FormData): OnboardingFormInput {
  return {
    thingName: str(fd, 'thingName'),
    thingTypeName: str(fd, 'thingTypeName'),
    thingGroupName: str(fd, 'thingGroupName'),
    attributes: readAttributeRows(fd),
    credentialMode: str(fd, 'credentialMode') || 'browser-key',
    keyAlgorithm: str(fd, 'keyAlgorithm') || 'EC',
    certificatePem: str(fd, 'certificatePem'),
    caCertificatePem: str(fd, 'caCertificatePem'),
    csrPem: str(fd, 'csrPem'),
    policyMode: str(fd, 'policyMode') || 'template',
    templateId: str(fd, 'templateId') || DEFAULT_TEMPLATE_ID,
    policyName: str(fd, 'policyName'),
    existingPolicyName: str(fd, 'existingPolicyName'),
    roleAlias: str(fd, 'roleAlias'),
  };
}

const formSchema = z
  .object({
    thingName: awsName('thingName'),
    thingTypeName: optionalAwsName('thingTypeName'),
    thingGroupName: optionalAwsName('thingGroupName'),
    attributes: attributeRows,
    credentialMode: z.enum(
      ['browser-key', 'aws-keys', 'own-certificate', 'own-csr'],
      'Choose how the device gets its credentials.',
    ),
    keyAlgorithm: z.enum(['EC', 'RSA'], 'Choose EC P-256 or RSA 2048.'),
    certificatePem: pemText('certificate'),
    caCertificatePem: pemText('CA certificate'),
    csrPem: pemText('CSR'),
    policyMode: z.enum(['template', 'existing'], 'Choose a template or an existing policy.'),
    templateId: z.string().refine((id) => templateIds.includes(id), 'Choose one of the templates.'),
    policyName: z.string().trim(),
    existingPolicyName: z.string().trim(),
    roleAlias: z
      .string()
      .trim()
      .optional()
      .transform((v) => v || undefined)
      .pipe(roleAliasName.optional()),
  })
  .superRefine(async (v, ctx) => {
    checkAttributeRows(v.attributes, Boolean(v.thingTypeName), ctx);

    // Policy: a template policy gets a free name (checked against AWS by the action); an existing one is picked.
    if (v.policyMode === 'template') {
      if (v.policyName) {
        const problem = awsNameProblem('policyName', v.policyName);
        if (problem) ctx.addIssue({ code: 'custom', path: ['policyName'], message: problem });
      } else if (awsThingName.safeParse(v.thingName).success) {
        // The name is derived from the thing name: a bad thing name is reported once, beside the thing name, and
        // only a problem of the derived name itself (a long thing name makes it too long) belongs here.
        const derived = defaultPolicyName(v.thingName);
        if (awsNameProblem('policyName', derived))
          ctx.addIssue({
            code: 'custom',
            path: ['policyName'],
            message: `The policy name made from the thing name, ${derived}, is ${derived.length} characters; a policy name is at most 128. Give a shorter policy name.`,
          });
      }
    } else if (!v.existingPolicyName) {
      ctx.addIssue({ code: 'custom', path: ['existingPolicyName'], message: 'Choose the policy to attach.' });
    } else {
      const problem = awsNameProblem('policyName', v.existingPolicyName);
      if (problem) ctx.addIssue({ code: 'custom', path: ['existingPolicyName'], message: problem });
    }

    // Credentials the operator brings are read now, so a bad paste is refused before anything is created.
    if (v.credentialMode === 'own-certificate') {
      try {
        await inspectDeviceCertificate(v.certificatePem);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['certificatePem'], message: (err as Error).message });
      }
      if (v.caCertificatePem) {
        try {
          await inspectCaCertificate(v.caCertificatePem);
        } catch (err) {
          ctx.addIssue({ code: 'custom', path: ['caCertificatePem'], message: (err as Error).message });
        }
      }
    } else if (v.credentialMode === 'own-csr') {
      try {
        await inspectCsr(v.csrPem);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['csrPem'], message: (err as Error).message });
      }
    }
  });

export type OnboardingFormResult = { ok: true; plan: OnboardingPlan } | { ok: false; error: z.ZodError };

/** The whole form, checked without AWS: names, limits, attribute rows, pasted PEMs. */
export async function parseOnboardingForm(input: OnboardingFormInput): Promise<OnboardingFormResult> {
  const parsed = await formSchema.safeParseAsync(input);
  if (!parsed.success) return { ok: false, error: parsed.error };
  const v = parsed.data;
  const attributes = attributesRecord(v.attributes);
  const credentials: OnboardingPlan['credentials'] =
    v.credentialMode === 'browser-key'
      ? { mode: 'browser-key', algorithm: v.keyAlgorithm }
      : v.credentialMode === 'aws-keys'
        ? { mode: 'aws-keys' }
        : v.credentialMode === 'own-certificate'
          ? {
              mode: 'own-certificate',
              certificatePem: v.certificatePem,
              ...(v.caCertificatePem ? { caCertificatePem: v.caCertificatePem } : {}),
            }
          : { mode: 'own-csr', csrPem: v.csrPem };
  const policy: OnboardingPlan['policy'] =
    v.policyMode === 'template'
      ? { mode: 'template', templateId: v.templateId, policyName: v.policyName || defaultPolicyName(v.thingName) }
      : { mode: 'existing', policyName: v.existingPolicyName };
  return {
    ok: true,
    plan: {
      thingName: v.thingName,
      ...(v.thingTypeName ? { thingTypeName: v.thingTypeName } : {}),
      ...(v.thingGroupName ? { thingGroupName: v.thingGroupName } : {}),
      attributes,
      credentials,
      policy,
      ...(v.roleAlias ? { roleAlias: v.roleAlias } : {}),
    },
  };
}

/** Builds a ZodError for problems found later (against AWS), so the form shows them beside their fields. */
export function fieldIssues(issues: { path: string; message: string }[]): z.ZodError {
  return new z.ZodError(
    issues.map((i) => ({ code: 'custom' as const, path: [i.path], message: i.message, input: undefined })),
  );
}

// ---------------------------------------------------------------- step inputs

// Each step is its own endpoint: names are checked again, exactly as sent (no trimming), in the same words.
const thingName = awsName('thingName', { trim: false });
const thingTypeName = awsName('thingTypeName', { trim: false });
const thingGroupName = awsName('thingGroupName', { trim: false });
const policyName = awsName('policyName', { trim: false });
const certificateId = awsName('certificateId', { trim: false });
const attributeName = awsName('attributeName', { trim: false });
const attributeValue = awsName('attributeValue', { trim: false });

const ARN_PREFIX = String.raw`^arn:aws[a-z-]*:iot:[a-z0-9-]+:(\d{12}|\*):`;
export const thingArn = z
  .string()
  .max(2048)
  .regex(new RegExp(`${ARN_PREFIX}thing/[a-zA-Z0-9:_-]{1,128}$`), 'Not a thing ARN.');
export const certificateArn = z
  .string()
  .max(2048)
  .regex(new RegExp(`${ARN_PREFIX}cert/[a-f0-9]{64}$`), 'Not a certificate ARN.');

export const thingRequestSchema = z.object({
  thingName,
  thingTypeName: thingTypeName.optional(),
  thingGroupName: thingGroupName.optional(),
  attributes: z
    .record(attributeName, attributeValue)
    .refine((a) => Object.keys(a).length <= MAX_ATTRIBUTES_WITH_TYPE, 'Too many attributes.'),
});

/** A PEM a step sends to AWS: a private key in it is refused here, so it never leaves the dashboard. */
const pemWithoutKey = (what: string) =>
  z
    .string()
    .max(MAX_PEM_LENGTH)
    .refine((v) => !containsPrivateKey(v), {
      message: `This holds a private key; send only the ${what}. The key stays on the device.`,
      abort: true,
    });

export const certificateRequestSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('csr'),
    csrPem: pemWithoutKey('CSR').min(1),
  }),
  z.object({ kind: z.literal('aws-keys') }),
  z.object({
    kind: z.literal('register'),
    certificatePem: pemWithoutKey('certificate').min(1),
    caCertificatePem: pemWithoutKey('CA certificate').optional(),
  }),
]);

export const policyRequestSchema = z.object({
  policyName,
  templateId: z.string().refine((id) => templateIds.includes(id), 'Unknown policy template.'),
  thingArn,
  roleAlias: roleAliasName.optional(),
});

export const attachPolicySchema = z.object({ policyName, certificateArn });
export const attachThingSchema = z.object({ thingName, certificateArn });

const createdSchema: z.ZodType<Created> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('thing'), thingName }),
  z.object({ kind: z.literal('certificate'), certificateId, certificateArn }),
  z.object({ kind: z.literal('policy'), policyName }),
  z.object({ kind: z.literal('policy-attachment'), policyName, certificateArn }),
  z.object({ kind: z.literal('thing-principal'), thingName, certificateArn }),
]);

/** A run makes at most 5 things (thing, certificate, policy, 2 links); leave room, refuse floods. */
export const rollbackSchema = z.array(createdSchema).max(20);
