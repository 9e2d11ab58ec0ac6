'use server';

import { z } from 'zod';

import { audited, recordAudit } from '@/lib/audit/record';
import { refusedMessage, roleCall } from '@/lib/auth/action';
import { createCertificateFromCsr, createKeysAndCertificate } from '@/lib/aws/certificate-issuing';
import { toAppError } from '@/lib/aws/errors';
import { attachPolicy } from '@/lib/aws/policy-attachments';
import { createProvisioningClaim, describeProvisioningTemplate } from '@/lib/aws/provisioning';
import { claimBundleFileName, claimBundleFiles } from '@/lib/bundle/claim-bundle';
import { claimBundleExtras } from '@/lib/bundle/templates/claim';
import { zipBundle } from '@/lib/bundle/zip';
import { deviceConnection } from '@/lib/onboarding/root-ca';
import { claimHandoffPath, offerClaimBundle } from '@/lib/provisioning/claim-handoff';
import { ensureClaimPolicy } from '@/lib/provisioning/claim-policy-setup';
import { templateDeviceParameters } from '@/lib/provisioning/template-check';
import { provisioningTemplateName } from '@/lib/validation/iot-names';

/**
 * Claim credentials (admin work). A claim certificate for the factory: from a CSR whose key the browser made
 * and keeps (the server never sees it), or AWS-generated (the key passes through this answer once, to the
 * browser, and is neither kept nor logged); either way the template's claim policy is attached. The browser
 * writes the claim bundle. A trusted-user claim: CreateProvisioningClaim's five-minute certificate and key, the
 * bundle also offered once through a QR-code link (lib/provisioning/claim-handoff.ts).
 */

type Refused = { ok: false; message: string };

export type ClaimCertificateAnswer =
  | { ok: true; certificateId: string; certificatePem: string; privateKeyPem?: string; policyName: string }
  | Refused;

const CSR_PATTERN = /^-----BEGIN CERTIFICATE REQUEST-----[\s\S]+-----END CERTIFICATE REQUEST-----\s*$/;

function templateOf(name: unknown): string | undefined {
  const parsed = provisioningTemplateName.safeParse(name);
  return parsed.success ? parsed.data : undefined;
}

export const createClaimCertificate = roleCall(
  'admin',
  refusedMessage,
  z.tuple([z.string(), z.string().nullable()]),
  async (operator, name: string, csrPem: string | null): Promise<ClaimCertificateAnswer> => {
    const templateName = templateOf(name);
    if (!templateName) return { ok: false, message: 'Not a provisioning template name.' };
    if (csrPem !== null && (typeof csrPem !== 'string' || csrPem.length > 16_384 || !CSR_PATTERN.test(csrPem))) {
      return { ok: false, message: 'The certificate signing request is not a PEM CSR.' };
    }
    const keySource = csrPem ? 'browser-csr' : 'aws-generated';
    try {
      return await audited(
        operator,
        {
          action: 'provisioning.claim-certificate-create',
          resource: { type: 'provisioning-template', id: templateName },
          details: { keySource },
        },
        async () => {
          const { name: policyName } = await ensureClaimPolicy(templateName);
          const issued: {
            certificateId: string;
            certificateArn: string;
            certificatePem: string;
            privateKeyPem?: string;
          } = csrPem ? await createCertificateFromCsr(csrPem) : await createKeysAndCertificate();
          await attachPolicy(policyName, issued.certificateArn);
          return {
            ok: true as const,
            certificateId: issued.certificateId,
            certificatePem: issued.certificatePem,
            ...(issued.privateKeyPem ? { privateKeyPem: issued.privateKeyPem } : {}),
            policyName,
          };
        },
        {
          after: (answer) => ({
            related: answer.ok ? [answer.certificateId, answer.policyName] : undefined,
            details: { keySource, certificateId: answer.ok ? answer.certificateId : undefined },
          }),
        },
      );
    } catch (err) {
      return { ok: false, message: toAppError(err).message };
    }
  },
);

/** The browser wrote a claim bundle (its key never came here): the download is an audit event all the same. */
export const recordClaimBundleDownload = roleCall(
  'admin',
  refusedMessage,
  z.tuple([z.string(), z.string()]),
  async (operator, name: string, certificateId: string): Promise<{ ok: true } | Refused> => {
    const templateName = templateOf(name);
    if (!templateName || typeof certificateId !== 'string' || !/^[0-9a-f]{1,64}$/i.test(certificateId)) {
      return { ok: false, message: 'Not a claim bundle this dashboard made.' };
    }
    await recordAudit(operator, {
      action: 'provisioning.claim-bundle-download',
      resource: { type: 'provisioning-template', id: templateName },
      related: [certificateId],
      outcome: 'success',
      details: { through: 'browser' },
    });
    return { ok: true };
  },
);

export type TrustedUserClaimAnswer =
  | {
      ok: true;
      certificateId: string;
      certificatePem: string;
      privateKeyPem: string;
      expiresAt: string;
      /** The one-time link the QR code carries (path on this dashboard). */
      handoffPath: string;
    }
  | Refused;

export const createTrustedUserClaim = roleCall(
  'admin',
  refusedMessage,
  z.tuple([z.string()]),
  async (operator, name: string): Promise<TrustedUserClaimAnswer> => {
    const templateName = templateOf(name);
    if (!templateName) return { ok: false, message: 'Not a provisioning template name.' };
    try {
      const [claim, template, connection] = await audited(
        operator,
        { action: 'provisioning.claim-create', resource: { type: 'provisioning-template', id: templateName } },
        () =>
          Promise.all([
            createProvisioningClaim(templateName),
            describeProvisioningTemplate(templateName),
            deviceConnection(),
          ]),
        {
          after: ([c]) => ({
            related: [c.certificateId],
            details: { certificateId: c.certificateId, expiresAt: c.expiresAt.toISOString() },
          }),
        },
      );
      const input = {
        ...connection,
        templateName,
        claimCertificatePem: claim.certificatePem,
        claimPrivateKeyPem: claim.privateKeyPem,
        claimCertificateId: claim.certificateId,
        expiresAt: claim.expiresAt,
        parameters: templateDeviceParameters(template.body),
      };
      const token = offerClaimBundle({
        templateName,
        certificateId: claim.certificateId,
        fileName: claimBundleFileName(templateName),
        zip: zipBundle(claimBundleFiles(input, claimBundleExtras(input))),
        expiresAt: claim.expiresAt.getTime(),
      });
      return {
        ok: true,
        certificateId: claim.certificateId,
        certificatePem: claim.certificatePem,
        privateKeyPem: claim.privateKeyPem,
        expiresAt: claim.expiresAt.toISOString(),
        handoffPath: claimHandoffPath(token),
      };
    } catch (err) {
      return { ok: false, message: toAppError(err).message };
    }
  },
);
