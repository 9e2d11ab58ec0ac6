import 'server-only';

import { orIfNotFound, shortId } from '@/lib/aws/call';
import { describeCertificate } from '@/lib/aws/certificates';
import { AppError } from '@/lib/aws/errors';
import { listPrincipalThings, listThingPrincipals } from '@/lib/aws/principals';
import { describeThingPrincipal } from '@/lib/aws/things';

/**
 * What deleting a thing will do, read from AWS before the operator confirms (and again when the deletion
 * runs): every attached principal, whether another thing still uses it, and the steps in AWS's order.
 * Types here are shared with the delete page's components; lib/things/deletion.ts runs the steps.
 */

export interface DeletionPrincipalPlan {
  arn: string;
  certificateId: string | undefined;
  status: string | undefined;
  policies: string[];
  /** Other things the certificate is attached to (ListPrincipalThings, this thing left out). */
  otherThings: string[];
  /**
   * `delete`: no other thing uses the certificate, so after detaching it from this thing it is deleted
   * fully (its policies detached, deactivated, deleted); `detach`: shared, or not a certificate, so it is
   * only detached from this thing.
   */
  action: 'delete' | 'detach';
}

export interface DeletionPlan {
  thingName: string;
  /** False when the thing is already gone: there is nothing to do. */
  exists: boolean;
  principals: DeletionPrincipalPlan[];
  /** Certificates a previous, interrupted run detached but did not get to delete. */
  leftoverCertificates: DeletionPrincipalPlan[];
}

export type DeletionStepKind = 'detach' | 'delete-certificate' | 'keep-certificate' | 'delete-thing';

export interface DeletionStep {
  kind: DeletionStepKind;
  /** What the step does, in AWS's terms, for the operator. */
  label: string;
  principal?: string;
  certificateId?: string;
}

export type DeletionStepStatus = 'done' | 'failed' | 'not_started';

export interface DeletionStepResult extends DeletionStep {
  status: DeletionStepStatus;
  detail?: string;
}

export interface DeletionReport {
  ok: boolean;
  thingName: string;
  steps: DeletionStepResult[];
  /** The failed step's label and the reason, when a step failed. */
  failure?: { step: string; message: string };
  /** What still exists in AWS because the run stopped, in plain words. */
  leftOver: string[];
  /** Certificates detached from the thing but not yet deleted: a retry must finish them. */
  pendingCertificateIds: string[];
}

function principalName(p: { arn: string; certificateId: string | undefined }): string {
  return p.certificateId ? `certificate ${shortId(p.certificateId)}` : `principal ${p.arn}`;
}

/** The steps, in AWS's order, a plan turns into. Shown before confirming and executed in this order. */
export function deletionSteps(plan: DeletionPlan): DeletionStep[] {
  const steps: DeletionStep[] = [];
  for (const p of plan.principals) {
    const base = { principal: p.arn, certificateId: p.certificateId };
    steps.push({ ...base, kind: 'detach', label: `Detach ${principalName(p)} from thing "${plan.thingName}"` });
    if (p.action === 'delete' && p.certificateId) {
      steps.push({ ...base, kind: 'delete-certificate', label: deleteCertificateLabel(p) });
    } else if (p.certificateId) {
      steps.push({
        ...base,
        kind: 'keep-certificate',
        label: `Keep ${principalName(p)}: still attached to ${p.otherThings.map((t) => `"${t}"`).join(', ')}`,
      });
    }
  }
  for (const p of plan.leftoverCertificates) {
    steps.push({
      principal: p.arn,
      certificateId: p.certificateId,
      kind: 'delete-certificate',
      label: deleteCertificateLabel(p),
    });
  }
  if (plan.exists) steps.push({ kind: 'delete-thing', label: `Delete thing "${plan.thingName}"` });
  return steps;
}

function deleteCertificateLabel(p: DeletionPrincipalPlan): string {
  const policies = p.policies.length
    ? `detach polic${p.policies.length === 1 ? 'y' : 'ies'} ${p.policies.map((x) => `"${x}"`).join(', ')} (the policies themselves are kept), `
    : '';
  const deactivate = p.status === 'ACTIVE' ? 'deactivate, ' : '';
  return `Delete ${principalName(p)} (used by no other thing): ${policies}${deactivate}delete`;
}

async function planPrincipal(thingName: string, arn: string): Promise<DeletionPrincipalPlan> {
  const info = await describeThingPrincipal(arn);
  if (info.problem) throw new AppError('internal', info.problem);
  const otherThings = info.certificateId ? (await listPrincipalThings(arn)).filter((t) => t !== thingName) : [];
  return {
    arn,
    certificateId: info.certificateId,
    status: info.status,
    policies: info.policies,
    otherThings,
    action: info.certificateId && otherThings.length === 0 ? 'delete' : 'detach',
  };
}

/**
 * What deleting the thing will do: every attached principal, whether another thing still uses it, and
 * the certificates an earlier interrupted run left detached (`pendingCertificateIds`).
 */
export async function planThingDeletion(
  thingName: string,
  pendingCertificateIds: readonly string[] = [],
): Promise<DeletionPlan> {
  // A thing that is gone (not found) leaves only the pending certificates to finish.
  const arns = await orIfNotFound(() => listThingPrincipals(thingName), undefined);
  const exists = arns !== undefined;
  const principals: DeletionPrincipalPlan[] = [];
  for (const arn of arns ?? []) principals.push(await planPrincipal(thingName, arn));

  const leftoverCertificates: DeletionPrincipalPlan[] = [];
  for (const id of pendingCertificateIds) {
    if (principals.some((p) => p.certificateId === id)) continue;
    // A certificate already deleted has nothing left to finish.
    const arn = (await orIfNotFound(() => describeCertificate(id), undefined))?.arn;
    if (!arn) continue;
    const plan = await planPrincipal(thingName, arn);
    // Only finish the deletion if, still, no other thing uses the certificate.
    if (plan.action === 'delete') leftoverCertificates.push(plan);
  }
  return { thingName, exists, principals, leftoverCertificates };
}
