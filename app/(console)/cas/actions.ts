'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import {
  checkJitpTemplate,
  LOCAL_PLACEHOLDER_ROLE_ARN,
  MAX_TEMPLATE_LENGTH,
  ROLE_ARN_PATTERN,
} from '@/components/cas/jitp-template';
import { audited } from '@/lib/audit/record';
import { refusedMessage, roleAction, roleCall } from '@/lib/auth/action';
import {
  CaAlreadyRegisteredError,
  deleteCaCertificate,
  getRegistrationCode,
  registerCaCertificate,
  updateCaCertificate,
} from '@/lib/aws/cas';
import { updateCertificateStatus } from '@/lib/aws/certificates';
import { readIotConfig } from '@/lib/aws/config';
import { toAppError } from '@/lib/aws/errors';
import { failed, formValues, invalid, succeeded, type ActionState } from '@/lib/forms/action-state';
import { CertificateParseError, inspectCertificate, MAX_CERTIFICATE_PEM_LENGTH } from '@/lib/pki/inspect';
import { awsName } from '@/lib/validation/messages';

const idField = awsName('certificateId', { trim: false }).transform((id) => id.replace(/^0x/, '').toLowerCase());
const shortId = (id: string) => `${id.slice(0, 10)}…`;

const certificatePem = (what: string) =>
  z
    .string({ message: `The ${what} is missing.` })
    .min(1, `The ${what} is missing.`)
    .max(
      MAX_CERTIFICATE_PEM_LENGTH,
      `The ${what} is longer than AWS's ${MAX_CERTIFICATE_PEM_LENGTH.toLocaleString('en-US')} characters.`,
    )
    .refine(
      (v) => !/PRIVATE KEY/.test(v),
      `The ${what} field holds a private key. Private keys never leave your browser: send only the certificate.`,
    )
    .refine(
      (v) => v.includes('-----BEGIN CERTIFICATE-----'),
      `The ${what} is not a PEM certificate (-----BEGIN CERTIFICATE-----).`,
    );

const checkbox = z
  .string()
  .optional()
  .transform((v) => v === 'on' || v === 'true' || v === 'yes');

// ---------------------------------------------------------------------------------------------
// Registration

export type RegistrationCodeResult = { ok: true; code: string } | { ok: false; message: string };

/** The account's registration code, for the verification certificate made in the browser. */
export const fetchRegistrationCodeAction = roleCall(
  'admin',
  refusedMessage,
  z.tuple([]),
  async (_operator): Promise<RegistrationCodeResult> => {
    try {
      return { ok: true, code: await getRegistrationCode() };
    } catch (err) {
      return { ok: false, message: toAppError(err).message };
    }
  },
);

const registerSchema = z.object({
  caCertificatePem: certificatePem('CA certificate'),
  verificationCertificatePem: certificatePem('verification certificate'),
  setAsActive: checkbox,
  allowAutoRegistration: checkbox,
});

export type RegisterCaState = ActionState<{ existingId?: string }>;

export const registerCaAction = roleAction(
  'admin',
  async (operator, _prev: RegisterCaState, formData: FormData): Promise<RegisterCaState> => {
    // Only these fields are read; the form never carries a key, and a key pasted by mistake is refused above.
    const values = { ...formValues(formData) };
    delete values.caCertificatePem;
    delete values.verificationCertificatePem;
    const parsed = registerSchema.safeParse({
      caCertificatePem: formData.get('caCertificatePem') ?? undefined,
      verificationCertificatePem: formData.get('verificationCertificatePem') ?? undefined,
      setAsActive: formData.get('setAsActive') ?? undefined,
      allowAutoRegistration: formData.get('allowAutoRegistration') ?? undefined,
    });
    if (!parsed.success) return invalid(parsed.error, values);
    const input = parsed.data;
    try {
      const ca = await inspectCertificate(input.caCertificatePem);
      if (!ca.isCa) {
        return {
          status: 'invalid',
          message: 'This certificate is not a CA (basicConstraints CA:TRUE).',
          fieldErrors: { caCertificatePem: ['Not a CA certificate.'] },
          values,
        };
      }
      await inspectCertificate(input.verificationCertificatePem);
    } catch (err) {
      if (err instanceof CertificateParseError) return failed(err.message, values);
      throw err;
    }
    let id: string;
    // Made in the browser (its key never left it) or uploaded: the CA key's origin is part of the record.
    const source = formData.get('source');
    try {
      ({ id } = await audited(
        operator,
        {
          action: 'ca.register',
          resource: { type: 'ca' },
          details: {
            caKey: source === 'create' ? 'made in the browser' : source === 'upload' ? 'uploaded' : undefined,
            setAsActive: input.setAsActive,
            allowAutoRegistration: input.allowAutoRegistration,
          },
        },
        () =>
          registerCaCertificate({
            caCertificatePem: input.caCertificatePem,
            verificationCertificatePem: input.verificationCertificatePem,
            setAsActive: input.setAsActive,
            allowAutoRegistration: input.allowAutoRegistration,
          }),
        { after: (ca) => ({ resource: { type: 'ca', id: ca.id } }) },
      ));
    } catch (err) {
      const e = toAppError(err);
      if (err instanceof CaAlreadyRegisteredError) {
        return { status: 'failed', message: e.message, values, data: { existingId: err.caCertificateId } };
      }
      return failed(e.message, values);
    }
    revalidatePath('/cas');
    redirect(`/cas/${id}?registered=1`);
  },
);

// ---------------------------------------------------------------------------------------------
// Status, auto-registration

const statusSchema = z.object({
  caCertificateId: idField,
  newStatus: z.enum(['ACTIVE', 'INACTIVE'], { message: 'Choose ACTIVE or INACTIVE.' }),
});

export type CaUpdateState = ActionState;

export const updateCaStatusAction = roleAction(
  'admin',
  async (operator, _prev: CaUpdateState, formData: FormData): Promise<CaUpdateState> => {
    const parsed = statusSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return invalid(parsed.error, formValues(formData));
    const { caCertificateId: id, newStatus } = parsed.data;
    try {
      await audited(
        operator,
        { action: newStatus === 'ACTIVE' ? 'ca.activate' : 'ca.deactivate', resource: { type: 'ca', id } },
        () => updateCaCertificate(id, { status: newStatus }),
      );
    } catch (err) {
      return failed(toAppError(err).message);
    }
    revalidatePath('/cas');
    revalidatePath(`/cas/${id}`);
    return succeeded(`CA ${shortId(id)} ${newStatus === 'ACTIVE' ? 'activated' : 'deactivated'}.`);
  },
);

const autoSchema = z.object({
  caCertificateId: idField,
  autoRegistration: z.enum(['ENABLE', 'DISABLE'], { message: 'Choose ENABLE or DISABLE.' }),
});

export const updateAutoRegistrationAction = roleAction(
  'admin',
  async (operator, _prev: CaUpdateState, formData: FormData): Promise<CaUpdateState> => {
    const parsed = autoSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return invalid(parsed.error, formValues(formData));
    const { caCertificateId: id, autoRegistration } = parsed.data;
    try {
      await audited(
        operator,
        { action: 'ca.update', resource: { type: 'ca', id }, details: { autoRegistration } },
        () => updateCaCertificate(id, { autoRegistration: autoRegistration === 'ENABLE' }),
      );
    } catch (err) {
      return failed(toAppError(err).message);
    }
    revalidatePath('/cas');
    revalidatePath(`/cas/${id}`);
    return succeeded(`Auto-registration ${autoRegistration === 'ENABLE' ? 'turned on' : 'turned off'}.`);
  },
);

// ---------------------------------------------------------------------------------------------
// JITP template

const templateSchema = z
  .object({
    caCertificateId: idField,
    templateBody: z
      .string()
      .max(MAX_TEMPLATE_LENGTH, `AWS allows at most ${MAX_TEMPLATE_LENGTH.toLocaleString('en-US')} characters.`),
    roleArn: z.string().trim().max(2048).optional(),
  })
  .superRefine((v, ctx) => {
    for (const problem of checkJitpTemplate(v.templateBody).problems)
      ctx.addIssue({ code: 'custom', path: ['templateBody'], message: problem });
  });

export const saveTemplateAction = roleAction(
  'admin',
  async (operator, _prev: CaUpdateState, formData: FormData): Promise<CaUpdateState> => {
    const parsed = templateSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success)
      return invalid(parsed.error, formValues(formData), 'The template needs attention before it can be saved.');
    const { caCertificateId: id, templateBody } = parsed.data;
    let roleArn = parsed.data.roleArn ?? '';
    const local = readIotConfig().mode === 'local';
    if (!roleArn && local) roleArn = LOCAL_PLACEHOLDER_ROLE_ARN;
    if (!ROLE_ARN_PATTERN.test(roleArn)) {
      return {
        status: 'invalid',
        message: 'AWS needs a role for JITP.',
        fieldErrors: {
          roleArn: [
            'Enter an IAM role ARN such as arn:aws:iam::123456789012:role/JITPRole (AWS IoT assumes it to make the thing and policy).',
          ],
        },
        values: formValues(formData),
      };
    }
    try {
      await audited(
        operator,
        { action: 'provisioning-template.save', resource: { type: 'ca', id }, related: [roleArn] },
        () => updateCaCertificate(id, { registrationConfig: { templateBody, roleArn } }),
      );
    } catch (err) {
      return failed(toAppError(err).message, formValues(formData));
    }
    revalidatePath('/cas');
    revalidatePath(`/cas/${id}`);
    return succeeded(
      'Provisioning template saved: new devices signed by this CA provision themselves on first connect.',
    );
  },
);

const idOnly = z.object({ caCertificateId: idField });

export const removeTemplateAction = roleAction(
  'admin',
  async (operator, _prev: CaUpdateState, formData: FormData): Promise<CaUpdateState> => {
    const parsed = idOnly.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return invalid(parsed.error, formValues(formData));
    const id = parsed.data.caCertificateId;
    try {
      await audited(operator, { action: 'provisioning-template.delete', resource: { type: 'ca', id } }, () =>
        updateCaCertificate(id, { removeTemplate: true }),
      );
    } catch (err) {
      return failed(toAppError(err).message);
    }
    revalidatePath('/cas');
    revalidatePath(`/cas/${id}`);
    return succeeded(
      'Provisioning template removed: devices are now registered as PENDING_ACTIVATION (JITR) if auto-registration is on.',
    );
  },
);

// ---------------------------------------------------------------------------------------------
// Delete

const deleteSchema = z.object({
  caCertificateId: idField,
  confirmed: z.literal('yes', { message: 'Deleting cannot be undone: confirm it first.' }),
});

export const deleteCaAction = roleAction(
  'admin',
  async (operator, _prev: CaUpdateState, formData: FormData): Promise<CaUpdateState> => {
    const parsed = deleteSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return invalid(parsed.error, formValues(formData));
    const id = parsed.data.caCertificateId;
    try {
      await audited(operator, { action: 'ca.delete', resource: { type: 'ca', id } }, () => deleteCaCertificate(id));
    } catch (err) {
      return failed(toAppError(err).message);
    }
    revalidatePath('/cas');
    redirect(`/cas?deleted=${id}`);
  },
);

// ---------------------------------------------------------------------------------------------
// JITR: activating waiting certificates (called once per certificate by the bulk activator)

export type ActivateResult = { ok: true } | { ok: false; message: string };

export const activatePendingCertificateAction = roleCall(
  'admin',
  refusedMessage,
  z.tuple([z.string()]),
  async (operator, id: string): Promise<ActivateResult> => {
    const parsed = idField.safeParse(id);
    if (!parsed.success) return { ok: false, message: 'Not a certificate id.' };
    try {
      await audited(
        operator,
        {
          action: 'certificate.activate',
          resource: { type: 'certificate', id: parsed.data },
          details: { via: 'JITR' },
        },
        () => updateCertificateStatus(parsed.data, 'ACTIVE'),
      );
    } catch (err) {
      return { ok: false, message: toAppError(err).message };
    }
    return { ok: true };
  },
);

/** After a bulk activation: refresh the lists once rather than per certificate. */
export const refreshCasAction = roleCall(
  'admin',
  refusedMessage,
  z.tuple([]),
  async (_operator): Promise<{ ok: true } | { ok: false; message: string }> => {
    revalidatePath('/cas');
    return { ok: true };
  },
);
