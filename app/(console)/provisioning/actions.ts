'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { audited, recordAudit } from '@/lib/audit/record';
import { roleAction } from '@/lib/auth/action';
import { readIotConfig } from '@/lib/aws/config';
import { toAppError } from '@/lib/aws/errors';
import {
  createProvisioningTemplate,
  createProvisioningTemplateVersion,
  deleteProvisioningTemplate,
  deleteProvisioningTemplateVersion,
  updateProvisioningTemplate,
} from '@/lib/aws/provisioning';
import { failed, formValues, invalid, succeeded, type ActionState } from '@/lib/forms/action-state';
import { claimPolicyName, ensureClaimPolicy } from '@/lib/provisioning/claim-policy-setup';
import {
  LAMBDA_ARN_PATTERN,
  LOCAL_PROVISIONING_ROLE_ARN,
  PRE_PROVISIONING_PAYLOAD_VERSION,
  ROLE_ARN_PATTERN,
} from '@/lib/provisioning/template-form';
import { checkFleetTemplate } from '@/lib/provisioning/template-check';
import { provisioningTemplateName } from '@/lib/validation/iot-names';

/**
 * Fleet provisioning templates (admin work): create (with the template's claim policy), change (enabled, the
 * description, the pre-provisioning hook), delete, and versions. Every change is an audit event.
 */

const detailPath = (name: string) => `/provisioning/${encodeURIComponent(name)}`;

function refresh(name?: string) {
  revalidatePath('/provisioning');
  if (name) revalidatePath(detailPath(name));
}

const body = z
  .string()
  .transform((v) => v.replace(/\r\n?/g, '\n'))
  .superRefine((v, ctx) => {
    for (const message of checkFleetTemplate(v).problems) ctx.addIssue({ code: 'custom', message });
  });

const hookArn = z
  .string()
  .trim()
  .refine(
    (v) => v === '' || LAMBDA_ARN_PATTERN.test(v),
    'A Lambda function ARN: arn:aws:lambda:<region>:<account>:function:<name>.',
  );

const createSchema = z.object({
  name: provisioningTemplateName,
  description: z.string().trim().max(500, 'At most 500 characters.'),
  body,
  roleArn: z.string().trim().regex(ROLE_ARN_PATTERN, 'An IAM role ARN: arn:aws:iam::<account>:role/<name>.'),
  enabled: z.enum(['on', '']),
  hookArn,
});

export const createTemplateAction = roleAction(
  'admin',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    const local = readIotConfig().mode === 'local';
    const parsed = createSchema.safeParse({
      name: values.name ?? '',
      description: values.description ?? '',
      body: values.body ?? '',
      roleArn: local && !values.roleArn ? LOCAL_PROVISIONING_ROLE_ARN : (values.roleArn ?? ''),
      enabled: values.enabled ?? '',
      hookArn: values.hookArn ?? '',
    });
    if (!parsed.success) return invalid(parsed.error, values, 'Fix the highlighted fields; nothing was created.');
    const input = parsed.data;
    try {
      await audited(
        operator,
        {
          action: 'provisioning-template.create',
          resource: { type: 'provisioning-template', id: input.name },
          details: { enabled: input.enabled === 'on', hook: input.hookArn || undefined },
        },
        () =>
          createProvisioningTemplate({
            name: input.name,
            body: input.body,
            provisioningRoleArn: input.roleArn,
            type: 'FLEET_PROVISIONING',
            description: input.description || undefined,
            enabled: input.enabled === 'on',
            preProvisioningHook: input.hookArn
              ? { targetArn: input.hookArn, payloadVersion: PRE_PROVISIONING_PAYLOAD_VERSION }
              : undefined,
          }),
        { after: (t) => ({ resource: { type: 'provisioning-template', id: t.name, arn: t.arn } }) },
      );
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'already_exists')
        return { status: 'invalid', message: e.message, fieldErrors: { name: [e.message] }, values };
      if (e.code === 'invalid_request')
        return { status: 'invalid', message: e.message, fieldErrors: { body: [e.message] }, values };
      return failed(e.message, values);
    }
    try {
      const policy = await ensureClaimPolicy(input.name);
      if (policy.created) {
        await recordAudit(operator, {
          action: 'policy.create',
          resource: { type: 'policy', id: policy.name },
          related: [input.name],
          outcome: 'success',
          details: { purpose: 'fleet provisioning claim policy' },
        });
      }
    } catch (err) {
      // The template exists; the claim policy is made again with the first claim certificate.
      await recordAudit(operator, {
        action: 'policy.create',
        resource: { type: 'policy', id: claimPolicyName(input.name) },
        outcome: 'failure',
        details: { error: toAppError(err).message },
      });
    }
    refresh(input.name);
    redirect(`${detailPath(input.name)}?created=1`);
  },
);

const nameOnly = z.object({ name: provisioningTemplateName });

const settingsSchema = z.object({
  name: provisioningTemplateName,
  description: z.string().trim().max(500, 'At most 500 characters.'),
  enabled: z.enum(['on', '']),
  hookArn,
});

export const updateTemplateAction = roleAction(
  'admin',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    const parsed = settingsSchema.safeParse({
      name: values.name ?? '',
      description: values.description ?? '',
      enabled: values.enabled ?? '',
      hookArn: values.hookArn ?? '',
    });
    if (!parsed.success) return invalid(parsed.error, values, 'Fix the highlighted fields; nothing changed.');
    const { name, description, enabled, hookArn: hook } = parsed.data;
    try {
      await audited(
        operator,
        {
          action: 'provisioning-template.update',
          resource: { type: 'provisioning-template', id: name },
          details: { enabled: enabled === 'on', hook: hook || undefined },
        },
        () =>
          updateProvisioningTemplate(name, {
            description,
            enabled: enabled === 'on',
            ...(hook
              ? { preProvisioningHook: { targetArn: hook, payloadVersion: PRE_PROVISIONING_PAYLOAD_VERSION } }
              : { removePreProvisioningHook: true }),
          }),
      );
    } catch (err) {
      return failed(toAppError(err).message, values);
    }
    refresh(name);
    return succeeded(
      enabled === 'on'
        ? `Template ${name} saved; it is enabled.`
        : `Template ${name} saved; it is disabled: devices asking it are refused.`,
    );
  },
);

export const deleteTemplateAction = roleAction(
  'admin',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    const parsed = nameOnly.safeParse({ name: values.name ?? '' });
    if (!parsed.success) return invalid(parsed.error, values);
    const { name } = parsed.data;
    try {
      await audited(
        operator,
        { action: 'provisioning-template.delete', resource: { type: 'provisioning-template', id: name } },
        () => deleteProvisioningTemplate(name),
      );
    } catch (err) {
      return failed(toAppError(err).message, values);
    }
    refresh();
    redirect(`/provisioning?deleted=${encodeURIComponent(name)}`);
  },
);

const versionSchema = z.object({ name: provisioningTemplateName, versionId: z.coerce.number().int().min(1) });

export const createVersionAction = roleAction(
  'admin',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    const parsed = z
      .object({ name: provisioningTemplateName, body, setAsDefault: z.enum(['on', '']) })
      .safeParse({ name: values.name ?? '', body: values.body ?? '', setAsDefault: values.setAsDefault ?? '' });
    if (!parsed.success) return invalid(parsed.error, values, 'Fix the template; no version was created.');
    const { name, setAsDefault } = parsed.data;
    let created;
    try {
      created = await audited(
        operator,
        {
          action: 'provisioning-template.create-version',
          resource: { type: 'provisioning-template', id: name },
          details: { setAsDefault: setAsDefault === 'on' },
        },
        () => createProvisioningTemplateVersion(name, parsed.data.body, setAsDefault === 'on'),
        { after: (v) => ({ details: { setAsDefault: setAsDefault === 'on', versionId: v.versionId } }) },
      );
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'invalid_request')
        return { status: 'invalid', message: e.message, fieldErrors: { body: [e.message] }, values };
      return failed(e.message, values);
    }
    refresh(name);
    return succeeded(
      created.isDefault
        ? `Version ${created.versionId} created; devices provision with it from now on.`
        : `Version ${created.versionId} created; it is not the default yet.`,
    );
  },
);

export const setDefaultVersionAction = roleAction(
  'admin',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    const parsed = versionSchema.safeParse({ name: values.name ?? '', versionId: values.versionId ?? '' });
    if (!parsed.success) return invalid(parsed.error, values);
    const { name, versionId } = parsed.data;
    try {
      await audited(
        operator,
        {
          action: 'provisioning-template.set-default-version',
          resource: { type: 'provisioning-template', id: name },
          details: { versionId },
        },
        () => updateProvisioningTemplate(name, { defaultVersionId: versionId }),
      );
    } catch (err) {
      return failed(toAppError(err).message, values);
    }
    refresh(name);
    return succeeded(`Version ${versionId} is now the default.`);
  },
);

export const deleteVersionAction = roleAction(
  'admin',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    const parsed = versionSchema.safeParse({ name: values.name ?? '', versionId: values.versionId ?? '' });
    if (!parsed.success) return invalid(parsed.error, values);
    const { name, versionId } = parsed.data;
    try {
      await audited(
        operator,
        {
          action: 'provisioning-template.delete-version',
          resource: { type: 'provisioning-template', id: name },
          details: { versionId },
        },
        () => deleteProvisioningTemplateVersion(name, versionId),
      );
    } catch (err) {
      return failed(toAppError(err).message, values);
    }
    refresh(name);
    return succeeded(`Version ${versionId} deleted.`);
  },
);
