import { claimPolicyDocument } from '../../lib/provisioning/claim-policy';
import type { EmulatorContext } from '../context';
import { invalidRequest } from '../errors';
import { type GeneratedKeyPair, generateRsaKeyPair, issueCertificate, issuerOf } from '../pki/certificates';
import type { ProvisioningClaimRecord } from '../store/records';
import { requireTemplate } from './provisioning-templates';

/**
 * CreateProvisioningClaim (provisioning by trusted user): a certificate and key pair from the emulator's issuing
 * CA that a device may use for five minutes, and only on the fleet provisioning topics of the claim's template.
 *
 * As on AWS, claim certificates are not account certificates: they appear in no certificate list and no API can
 * change them. The broker knows them by their id (`provisioningClaim`), authorises them by the template's claim
 * policy (lib/provisioning/claim-policy.ts) rather than by attached policies, refuses them in the handshake once
 * expired and cuts off a connection that outlives its claim. The private key exists only in the answer.
 */

/**
 * CreateProvisioningClaim: only for a FLEET_PROVISIONING template (a JITP template has nothing to claim). The claim
 * lasts AWS's five minutes unless the emulator was configured shorter (provisioningClaimSeconds, for tests).
 */
export async function createProvisioningClaim(
  ctx: EmulatorContext,
  templateName: string,
): Promise<{ claim: ProvisioningClaimRecord; keys: GeneratedKeyPair }> {
  checkClaimable(ctx, templateName);
  const keys = await generateRsaKeyPair();
  const now = ctx.now();
  const expiration = now + ctx.config.provisioningClaimSeconds * 1000;
  const issued = await issueCertificate(issuerOf(ctx.pki.issuing), {
    spkiDer: keys.spkiDer,
    now,
    notAfter: new Date(expiration),
  });
  const claim: ProvisioningClaimRecord = {
    certificateId: issued.certificateId,
    certificatePem: issued.pem,
    templateName,
    creationDate: now,
    expiration,
  };
  // The template may have gone while the key was made.
  ctx.store.commit((tx) => {
    checkClaimable(ctx, templateName);
    tx.put('provisioningClaims', claim.certificateId, claim);
  });
  return { claim, keys };
}

function checkClaimable(ctx: EmulatorContext, templateName: string) {
  const template = requireTemplate(ctx.store, templateName);
  if (template.type !== 'FLEET_PROVISIONING') {
    throw invalidRequest(
      `The provisioning template ${templateName} is of type ${template.type}; claims are for FLEET_PROVISIONING templates.`,
    );
  }
}

/** The claim a certificate id belongs to, if it is a live (unexpired) provisioning claim. */
export function provisioningClaim(ctx: EmulatorContext, certificateId: string): ProvisioningClaimRecord | undefined {
  const claim = ctx.store.c.provisioningClaims.get(certificateId);
  return claim && claim.expiration > ctx.now() ? claim : undefined;
}

const claimPolicies = new Map<string, string>();

/** The policy a claim certificate is authorised by: its template's claim policy (one document per template). */
export function claimPolicy(ctx: EmulatorContext, templateName: string): { policyName: string; document: string } {
  const key = `${ctx.config.region}\n${ctx.config.accountId}\n${templateName}`;
  let document = claimPolicies.get(key);
  if (!document) {
    document = claimPolicyDocument({ templateName, region: ctx.config.region, accountId: ctx.config.accountId });
    claimPolicies.set(key, document);
  }
  return { policyName: `provisioning-claim/${templateName}`, document };
}
