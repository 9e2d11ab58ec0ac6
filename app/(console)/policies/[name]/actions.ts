'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { audited } from '@/lib/audit/record';
import { roleAction } from '@/lib/auth/action';
import { toAppError } from '@/lib/aws/errors';
import { createPolicyVersion, deletePolicyVersion, setDefaultPolicyVersion } from '@/lib/aws/policies';
import { attachPolicy, detachPolicy } from '@/lib/aws/policy-attachments';
import { failed, formValues, invalid, succeeded, type ActionState } from '@/lib/forms/action-state';
import { deletePolicyEverywhere } from '@/lib/policies/delete-everywhere';
import { resolveCertificateTarget } from '@/lib/policies/resolve-target';
import { certificateRefInput } from '@/lib/policies/targets';
import { awsName } from '@/lib/validation/messages';
import { policyDocument } from '@/lib/validation/policy-document';

const policyField = awsName('policyName', { trim: false });
const versionField = z.string().regex(/^[0-9]{1,10}$/, 'Choose a version.');

const detailPath = (name: string) => `/policies/${encodeURIComponent(name)}`;

function refresh(name: string) {
  revalidatePath(detailPath(name));
  revalidatePath('/policies');
}

const createVersionSchema = z.object({
  policy: policyField,
  document: policyDocument,
  setAsDefault: z.enum(['on', '']).transform((v) => v === 'on'),
});

export const createVersionAction = roleAction(
  'admin',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    // Browsers submit a textarea's line breaks as CRLF; store the document with the LF the operator saw.
    values.document = (values.document ?? '').replace(/\r\n?/g, '\n');
    const parsed = createVersionSchema.safeParse({
      policy: values.policy ?? '',
      document: values.document ?? '',
      setAsDefault: values.setAsDefault ?? '',
    });
    if (!parsed.success) return invalid(parsed.error, values, 'Fix the document; no version was created.');

    const { policy, document, setAsDefault } = parsed.data;
    let created;
    try {
      created = await audited(
        operator,
        { action: 'policy.create-version', resource: { type: 'policy', id: policy }, details: { setAsDefault } },
        () => createPolicyVersion(policy, document, setAsDefault),
        { after: (v) => ({ details: { setAsDefault, versionId: v.versionId } }) },
      );
    } catch (err) {
      const e = toAppError(err);
      if (e.source === 'MalformedPolicyException')
        return { status: 'invalid', message: e.message, fieldErrors: { document: [e.message] }, values };
      return failed(e.message, values);
    }
    refresh(policy);
    return succeeded(
      created.isDefault
        ? `Version ${created.versionId} created and is now the default: devices get it on their next request.`
        : `Version ${created.versionId} created. Version ${created.versionId} is not the default yet.`,
    );
  },
);

const versionSchema = z.object({ policy: policyField, versionId: versionField });

export const setDefaultVersionAction = roleAction(
  'admin',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    const parsed = versionSchema.safeParse({ policy: values.policy ?? '', versionId: values.versionId ?? '' });
    if (!parsed.success) return invalid(parsed.error, values);
    const { policy, versionId } = parsed.data;
    try {
      await audited(
        operator,
        { action: 'policy.set-default-version', resource: { type: 'policy', id: policy }, details: { versionId } },
        () => setDefaultPolicyVersion(policy, versionId),
      );
    } catch (err) {
      return failed(toAppError(err).message, values);
    }
    refresh(policy);
    return succeeded(`Version ${versionId} is now the default.`);
  },
);

export const deleteVersionAction = roleAction(
  'admin',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    const parsed = versionSchema.safeParse({ policy: values.policy ?? '', versionId: values.versionId ?? '' });
    if (!parsed.success) return invalid(parsed.error, values);
    const { policy, versionId } = parsed.data;
    try {
      await audited(
        operator,
        { action: 'policy.delete-version', resource: { type: 'policy', id: policy }, details: { versionId } },
        () => deletePolicyVersion(policy, versionId),
      );
    } catch (err) {
      return failed(toAppError(err).message, values);
    }
    refresh(policy);
    return succeeded(`Version ${versionId} deleted.`);
  },
);

const attachSchema = z.object({ policy: policyField, target: certificateRefInput });

export const attachCertificateAction = roleAction(
  'admin',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    const parsed = attachSchema.safeParse({ policy: values.policy ?? '', target: values.target ?? '' });
    if (!parsed.success) return invalid(parsed.error, values, 'Check the certificate; nothing was attached.');
    const { policy, target } = parsed.data;
    let certificate;
    try {
      const resolved = await resolveCertificateTarget(target);
      certificate = resolved;
      await audited(
        operator,
        {
          action: 'policy.attach',
          resource: { type: 'policy', id: policy },
          related: [resolved.certificateId, resolved.arn],
        },
        () => attachPolicy(policy, resolved.arn),
      );
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'not_found' || e.code === 'invalid_request') {
        return { status: 'invalid', message: e.message, fieldErrors: { target: [e.message] }, values };
      }
      return failed(e.message, values);
    }
    refresh(policy);
    const note =
      certificate.status && certificate.status !== 'ACTIVE'
        ? ` The certificate is ${certificate.status}: devices cannot connect with it until it is activated.`
        : '';
    return succeeded(`Attached to certificate ${certificate.certificateId.slice(0, 12)}….${note}`);
  },
);

const detachSchema = z.object({ policy: policyField, target: z.string().min(1).max(2048) });

export const detachTargetAction = roleAction(
  'admin',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    const parsed = detachSchema.safeParse({ policy: values.policy ?? '', target: values.target ?? '' });
    if (!parsed.success) return invalid(parsed.error, values);
    const { policy, target } = parsed.data;
    try {
      await audited(
        operator,
        { action: 'policy.detach', resource: { type: 'policy', id: policy }, related: [target] },
        () => detachPolicy(policy, target),
      );
    } catch (err) {
      return failed(toAppError(err).message, values);
    }
    refresh(policy);
    return succeeded('Detached. Devices using that certificate lose these permissions on their next request.');
  },
);

const deleteSchema = z
  .object({ policy: policyField, confirm: z.string().trim() })
  .refine((v) => v.confirm === v.policy, { path: ['confirm'], message: 'Type the policy name exactly to confirm.' });

export const deletePolicyAction = roleAction(
  'admin',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    const parsed = deleteSchema.safeParse({ policy: values.policy ?? '', confirm: values.confirm ?? '' });
    if (!parsed.success) return invalid(parsed.error, values, 'Nothing was deleted.');
    const { policy } = parsed.data;
    try {
      // AWS's order: non-default versions, then every attachment, then the policy.
      await audited(
        operator,
        { action: 'policy.delete', resource: { type: 'policy', id: policy } },
        () => deletePolicyEverywhere(policy),
        { after: (r) => ({ related: r.targetsDetached, details: { versionsDeleted: r.versionsDeleted } }) },
      );
    } catch (err) {
      refresh(policy);
      return failed(toAppError(err).message, values);
    }
    revalidatePath('/policies');
    redirect(`/policies?deleted=${encodeURIComponent(policy)}`);
  },
);
