import 'server-only';

import { isNotFound, orIfNotFound } from '@/lib/aws/call';
import { deleteCertificate, describeCertificate, updateCertificateStatus } from '@/lib/aws/certificates';
import { AppError } from '@/lib/aws/errors';
import { detachPolicy, listAttachedPolicies } from '@/lib/aws/policy-attachments';
import { detachThingPrincipal, listPrincipalThings } from '@/lib/aws/principals';

/**
 * Deleting a certificate with everything attached to it, used by the Certificates pages and thing deletion.
 * AWS refuses to delete a certificate that is ACTIVE (406 CertificateStateException) or still attached to a
 * thing or a policy (409 DeleteConflictException), so the order is fixed: detach every policy, detach it
 * from every thing, set it INACTIVE, delete.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface CertificateDeletion {
  detachedPolicies: string[];
  detachedThings: string[];
}

/** AWS's order: detach every policy, detach from every thing, set INACTIVE, delete. Idempotent (already-gone is fine). */
export async function deleteCertificateFully(certificateId: string): Promise<CertificateDeletion> {
  const done: CertificateDeletion = { detachedPolicies: [], detachedThings: [] };
  const description = await orIfNotFound(() => describeCertificate(certificateId), undefined);
  const arn = description?.arn;
  if (!description || !arn) return done;

  for (const policyName of await listAttachedPolicies(arn)) {
    try {
      await detachPolicy(policyName, arn);
      done.detachedPolicies.push(policyName);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  // DetachThingPrincipal counts an attachment that is already gone as done.
  for (const thingName of await listPrincipalThings(arn)) {
    await detachThingPrincipal(thingName, arn);
    done.detachedThings.push(thingName);
  }

  // Only ACTIVE blocks deletion. A REVOKED certificate cannot change status (and need not), and the other
  // statuses (INACTIVE, REGISTER_INACTIVE, PENDING_ACTIVATION) are deletable as they are.
  if (description.status === 'ACTIVE') await updateCertificateStatus(certificateId, 'INACTIVE');

  // On AWS DetachThingPrincipal is asynchronous: for a short while DeleteCertificate may still see the
  // attachment and answer DeleteConflictException. Retry a few times before giving up.
  for (let attempt = 0; ; attempt++) {
    try {
      await deleteCertificate(certificateId);
      return done;
    } catch (err) {
      if (isNotFound(err)) return done;
      if (err instanceof AppError && err.source === 'DeleteConflictException' && attempt < 4) {
        await sleep(250 * 2 ** attempt);
        continue;
      }
      throw err;
    }
  }
}
