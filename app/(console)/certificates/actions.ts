'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { audited } from '@/lib/audit/record';
import { roleAction } from '@/lib/auth/action';
import { requireRole } from '@/lib/auth/guard';
import {
  CertificateAlreadyRegisteredError,
  registerCertificate,
  registerCertificateWithoutCa,
  type RegisteredCertificate,
} from '@/lib/aws/certificate-issuing';
import { REGISTRATION_STATUSES, SETTABLE_STATUSES, updateCertificateStatus } from '@/lib/aws/certificates';
import { toAppError } from '@/lib/aws/errors';
import { deleteCertificateFully } from '@/lib/certificates/delete';
import { failed, formValues, invalid, succeeded, type ActionState } from '@/lib/forms/action-state';
import {
  CertificateParseError,
  inspectCertificate,
  isSignedBy,
  MAX_CERTIFICATE_PEM_LENGTH,
  validityProblem,
  type CertificateInfo,
} from '@/lib/pki/inspect';
import { awsName } from '@/lib/validation/messages';

const idField = awsName('certificateId', { trim: false }).transform((id) => id.replace(/^0x/, '').toLowerCase());
const shortId = (id: string) => `${id.slice(0, 10)}…`;

// ---------------------------------------------------------------------------------------------
// Status

const statusSchema = z
  .object({
    certificateId: idField,
    newStatus: z.enum(SETTABLE_STATUSES, { message: 'Choose ACTIVE, INACTIVE or REVOKED.' }),
    confirmed: z.string().optional(),
  })
  .refine((v) => v.newStatus !== 'REVOKED' || v.confirmed === 'yes', {
    message: 'Revoking is final: confirm it first.',
    path: ['confirmed'],
  });

export type StatusState = ActionState<{ status: (typeof SETTABLE_STATUSES)[number] }>;

const STATUS_DONE: Record<(typeof SETTABLE_STATUSES)[number], string> = {
  ACTIVE: 'activated',
  INACTIVE: 'deactivated',
  REVOKED: 'revoked',
};

const STATUS_ACTION: Record<(typeof SETTABLE_STATUSES)[number], string> = {
  ACTIVE: 'certificate.activate',
  INACTIVE: 'certificate.deactivate',
  REVOKED: 'certificate.revoke',
};

/** Operators activate and deactivate; revoking (final) is an admin's. */
export const updateCertificateStatusAction = roleAction(
  'operator',
  async (operator, _prev: StatusState, formData: FormData): Promise<StatusState> => {
    const parsed = statusSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return invalid(parsed.error, formValues(formData));
    const { certificateId: id, newStatus } = parsed.data;
    if (newStatus === 'REVOKED') await requireRole('admin');
    try {
      await audited(operator, { action: STATUS_ACTION[newStatus], resource: { type: 'certificate', id } }, () =>
        updateCertificateStatus(id, newStatus),
      );
    } catch (err) {
      return failed(toAppError(err).message);
    }
    revalidatePath('/certificates');
    revalidatePath(`/certificates/${id}`);
    return succeeded(`Certificate ${shortId(id)} ${STATUS_DONE[newStatus]}.`, { status: newStatus });
  },
);

// ---------------------------------------------------------------------------------------------
// Delete

const deleteSchema = z.object({
  certificateId: idField,
  confirmed: z.literal('yes', { message: 'Deleting cannot be undone: confirm it first.' }),
});

export type DeleteState = ActionState<{ detachedPolicies: string[]; detachedThings: string[] }>;

export const deleteCertificateAction = roleAction(
  'admin',
  async (operator, _prev: DeleteState, formData: FormData): Promise<DeleteState> => {
    const parsed = deleteSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return invalid(parsed.error, formValues(formData));
    const id = parsed.data.certificateId;
    let result: { detachedPolicies: string[]; detachedThings: string[] };
    try {
      result = await audited(
        operator,
        { action: 'certificate.delete', resource: { type: 'certificate', id } },
        () => deleteCertificateFully(id),
        { after: (r) => ({ related: [...r.detachedPolicies, ...r.detachedThings] }) },
      );
    } catch (err) {
      const e = toAppError(err);
      // Some steps may have run (AWS has no transactions); the detail page reloads to show what is left.
      revalidatePath(`/certificates/${id}`);
      const why =
        e.source === 'CertificateStateException'
          ? 'AWS IoT refused because of the certificate status (a certificate pending transfer cannot be deleted).'
          : e.source === 'DeleteConflictException'
            ? 'AWS IoT still sees the certificate attached to a thing or policy; wait a moment and try again.'
            : e.message;
      return failed(`Could not delete certificate ${shortId(id)}. ${why}`);
    }
    revalidatePath('/certificates');
    // The certificate's own page is gone: go to the list, which says what was detached.
    redirect(`/certificates?${deletedQuery(id, result)}`);
  },
);

/** At most this many names of each kind travel in the address; the counts say how many there were. */
const MAX_NAMES_IN_QUERY = 20;

function deletedQuery(id: string, result: { detachedPolicies: string[]; detachedThings: string[] }): string {
  const q = new URLSearchParams({ deleted: id });
  q.set('policyCount', String(result.detachedPolicies.length));
  q.set('thingCount', String(result.detachedThings.length));
  for (const p of result.detachedPolicies.slice(0, MAX_NAMES_IN_QUERY)) q.append('policy', p);
  for (const t of result.detachedThings.slice(0, MAX_NAMES_IN_QUERY)) q.append('thing', t);
  return q.toString();
}

// ---------------------------------------------------------------------------------------------
// Register an existing certificate

type CheckedPem = { info: CertificateInfo };

const pemText = (what: string) =>
  z
    .string({ message: `Paste or upload the ${what}.` })
    .trim()
    .min(1, `Paste or upload the ${what}.`)
    .max(MAX_CERTIFICATE_PEM_LENGTH, `The ${what} is too large: AWS IoT accepts at most 65,536 characters.`);

const registerSchema = z
  .object({
    mode: z.enum(['without-ca', 'with-ca'], {
      message: 'Choose whether the certificate is signed by a registered CA.',
    }),
    certificatePem: pemText('certificate'),
    caCertificatePem: z
      .string()
      .trim()
      .max(MAX_CERTIFICATE_PEM_LENGTH, 'The CA certificate is too large: AWS IoT accepts at most 65,536 characters.')
      .optional(),
    status: z.enum(REGISTRATION_STATUSES, { message: 'Choose ACTIVE or INACTIVE.' }),
  })
  .superRefine(async (v, ctx) => {
    // The same checks the form runs in the browser, repeated here: the server trusts no client.
    const check = async (pem: string, path: 'certificatePem' | 'caCertificatePem'): Promise<CheckedPem | undefined> => {
      try {
        return { info: await inspectCertificate(pem) };
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          path: [path],
          message: err instanceof CertificateParseError ? err.message : 'The PEM could not be read.',
        });
        return undefined;
      }
    };
    const cert = await check(v.certificatePem, 'certificatePem');
    if (cert) {
      const problem = validityProblem(cert.info);
      if (problem) ctx.addIssue({ code: 'custom', path: ['certificatePem'], message: problem });
    }
    if (v.mode !== 'with-ca') return;
    if (!v.caCertificatePem) {
      ctx.addIssue({
        code: 'custom',
        path: ['caCertificatePem'],
        message: 'Paste or upload the CA certificate that signed it.',
      });
      return;
    }
    const ca = await check(v.caCertificatePem, 'caCertificatePem');
    if (cert && ca && !(await isSignedBy(v.certificatePem, v.caCertificatePem))) {
      ctx.addIssue({
        code: 'custom',
        path: ['caCertificatePem'],
        message: `This CA did not sign the certificate (the certificate's issuer is "${cert.info.issuer}", the CA is "${ca.info.subject}").`,
      });
    }
  });

export type RegisterState = ActionState<{ existingCertificateId?: string }>;

/** Which field an AWS refusal belongs beside. */
function fieldOfRefusal(message: string, withCa: boolean): 'certificatePem' | 'caCertificatePem' {
  return withCa && /\bCA\b/.test(message) ? 'caCertificatePem' : 'certificatePem';
}

export const registerCertificateAction = roleAction(
  'operator',
  async (operator, _prev: RegisterState, formData: FormData): Promise<RegisterState> => {
    const values = formValues(formData);
    const parsed = await registerSchema.safeParseAsync(Object.fromEntries(formData));
    if (!parsed.success)
      return invalid(parsed.error, values, 'The certificate was not sent to AWS IoT: fix the fields marked below.');
    const input = parsed.data;
    const withCa = input.mode === 'with-ca';
    let registered: RegisteredCertificate;
    try {
      registered = await audited(
        operator,
        {
          action: 'certificate.register',
          resource: { type: 'certificate' },
          details: { withCa, status: input.status },
        },
        () =>
          withCa
            ? registerCertificate({
                certificatePem: input.certificatePem,
                caCertificatePem: input.caCertificatePem,
                status: input.status,
              })
            : registerCertificateWithoutCa({ certificatePem: input.certificatePem, status: input.status }),
        { after: (r) => ({ resource: { type: 'certificate', id: r.certificateId, arn: r.certificateArn } }) },
      );
    } catch (err) {
      if (err instanceof CertificateAlreadyRegisteredError) {
        return {
          ...failed(err.message, values),
          fieldErrors: { certificatePem: ['This certificate is already registered.'] },
          data: { existingCertificateId: err.certificateId },
        };
      }
      const e = toAppError(err);
      if (e.code === 'invalid_request' || e.code === 'certificate_state' || e.code === 'conflict') {
        return { ...failed(e.message, values), fieldErrors: { [fieldOfRefusal(e.message, withCa)]: [e.message] } };
      }
      return failed(e.message, values);
    }
    revalidatePath('/certificates');
    redirect(`/certificates/${registered.certificateId}?registered=1`);
  },
);
