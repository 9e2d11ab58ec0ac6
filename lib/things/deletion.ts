import 'server-only';

import { shortId } from '@/lib/aws/call';
import { AppError, toAppError } from '@/lib/aws/errors';
import { detachThingPrincipal, listPrincipalThings } from '@/lib/aws/principals';
import { deleteThing } from '@/lib/aws/things';
import { deleteCertificateFully } from '@/lib/certificates/delete';

import {
  type DeletionPlan,
  type DeletionReport,
  type DeletionStep,
  type DeletionStepResult,
  deletionSteps,
  planThingDeletion,
} from './deletion-plan';

/**
 * Deleting a thing with guided clean-up: the plan's steps (lib/things/deletion-plan.ts) carried out one by
 * one against AWS, stopping at the first failure with what is left, so the operator can retry and finish.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** DeleteThing, waiting out AWS's asynchronous detach ("still attached to one or more principals"). */
async function deleteThingAfterDetach(name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await deleteThing(name);
      return;
    } catch (err) {
      const stillAttached =
        err instanceof AppError && err.source === 'InvalidRequestException' && /attached/i.test(err.message);
      if (stillAttached && attempt < 4) {
        await sleep(250 * 2 ** attempt);
        continue;
      }
      throw err;
    }
  }
}

/**
 * Deletes a thing the way AWS requires, step by step: for each attached certificate, detach it from this
 * thing, then delete it fully if no other thing uses it (deleteCertificateFully: detach policies,
 * deactivate, delete) or keep it if shared; policies are never deleted; then DeleteThing. The plan is
 * read again here, so a retry after a failure continues from what is actually left. Stops at the first
 * failing step and reports which one and what is left; never throws.
 */
export async function deleteThingWithCleanup(
  thingName: string,
  pendingCertificateIds: readonly string[] = [],
): Promise<DeletionReport> {
  const pending = new Set(pendingCertificateIds);
  const results: DeletionStepResult[] = [];
  const readStep: DeletionStep = { kind: 'detach', label: `Read what is attached to thing "${thingName}"` };

  let plan: DeletionPlan;
  try {
    plan = await planThingDeletion(thingName, pendingCertificateIds);
  } catch (err) {
    const message = toAppError(err).message;
    return {
      ok: false,
      thingName,
      steps: [{ ...readStep, status: 'failed', detail: message }],
      failure: { step: readStep.label, message },
      leftOver: [`Thing "${thingName}" and everything attached to it are unchanged.`],
      pendingCertificateIds: [...pending],
    };
  }

  const steps = deletionSteps(plan);
  let failedAt = -1;
  let failure: DeletionReport['failure'];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    try {
      let detail: string | undefined;
      switch (step.kind) {
        case 'detach':
          await detachThingPrincipal(thingName, step.principal!);
          // Detached now: if the certificate was to be deleted, a retry must still finish it.
          if (step.certificateId && steps[i + 1]?.kind === 'delete-certificate') pending.add(step.certificateId);
          break;
        case 'delete-certificate': {
          // Checked again after detaching: a thing attached meanwhile keeps the certificate alive.
          const others = (await listPrincipalThings(step.principal!)).filter((t) => t !== thingName);
          if (others.length > 0) {
            detail = `Kept instead: now attached to ${others.map((t) => `"${t}"`).join(', ')}.`;
          } else {
            const done = await deleteCertificateFully(step.certificateId!);
            if (done.detachedPolicies.length)
              detail = `Detached ${done.detachedPolicies.map((p) => `"${p}"`).join(', ')}.`;
          }
          pending.delete(step.certificateId!);
          break;
        }
        case 'keep-certificate':
          break;
        case 'delete-thing':
          await deleteThingAfterDetach(thingName);
          break;
      }
      results.push({ ...step, status: 'done', detail });
    } catch (err) {
      const message = toAppError(err).message;
      results.push({ ...step, status: 'failed', detail: message });
      failedAt = i;
      failure = { step: step.label, message };
      break;
    }
  }

  if (failedAt < 0) {
    if (!plan.exists) {
      results.push({
        kind: 'delete-thing',
        label: `Delete thing "${thingName}"`,
        status: 'done',
        detail: 'It was already gone.',
      });
    }
    return { ok: true, thingName, steps: results, leftOver: [], pendingCertificateIds: [] };
  }

  for (const step of steps.slice(failedAt + 1)) results.push({ ...step, status: 'not_started' });
  const leftOver: string[] = [];
  for (const id of pending) leftOver.push(`Certificate ${shortId(id)} is detached from the thing but not deleted yet.`);
  const notDetached = steps.slice(failedAt).filter((s) => s.kind === 'detach');
  for (const s of notDetached)
    leftOver.push(
      `${s.certificateId ? `Certificate ${shortId(s.certificateId)}` : `Principal ${s.principal}`} is still attached to the thing.`,
    );
  if (plan.exists) leftOver.push(`Thing "${thingName}" still exists.`);
  return { ok: false, thingName, steps: results, failure, leftOver, pendingCertificateIds: [...pending] };
}
