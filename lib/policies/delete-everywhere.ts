import 'server-only';

import { AppError, toAppError } from '@/lib/aws/errors';
import {
  deletePolicy,
  deletePolicyVersion,
  listPolicyTargets,
  listPolicyVersions,
  type PolicyVersion,
} from '@/lib/aws/policies';
import { detachPolicy } from '@/lib/aws/policy-attachments';

export interface DeleteEverywhereReport {
  versionsDeleted: string[];
  targetsDetached: string[];
}

/**
 * Deletes a policy in the order AWS enforces: its non-default versions, then every attachment, then the
 * policy. Each step is idempotent, so after a failure part-way (reported with what was already done) the
 * same call can simply be made again.
 */
export async function deletePolicyEverywhere(name: string): Promise<DeleteEverywhereReport> {
  const report: DeleteEverywhereReport = { versionsDeleted: [], targetsDetached: [] };
  const fail = (err: unknown, step: string): never => {
    const app = err instanceof AppError ? err : toAppError(err);
    const done = [
      report.versionsDeleted.length
        ? `deleted version${report.versionsDeleted.length === 1 ? '' : 's'} ${report.versionsDeleted.join(', ')}`
        : '',
      report.targetsDetached.length
        ? `detached from ${report.targetsDetached.length} target${report.targetsDetached.length === 1 ? '' : 's'}`
        : '',
    ].filter(Boolean);
    throw new AppError(
      app.code,
      `Stopped while ${step}: ${app.message}${done.length ? ` Already done: ${done.join('; ')}.` : ''} Nothing else was changed; try again to finish.`,
      { source: app.source, cause: app },
    );
  };

  let versions: PolicyVersion[] = [];
  try {
    versions = await listPolicyVersions(name);
  } catch (err) {
    fail(err, 'reading the versions');
  }
  for (const v of versions.filter((x) => !x.isDefault)) {
    try {
      await deletePolicyVersion(name, v.id);
      report.versionsDeleted.push(v.id);
    } catch (err) {
      fail(err, `deleting version ${v.id}`);
    }
  }

  // Detach until none are left: ListTargetsForPolicy pages may shift while targets go.
  for (let round = 0; round < 20; round++) {
    let targets: string[] = [];
    try {
      targets = (await listPolicyTargets(name, 250)).targets;
    } catch (err) {
      fail(err, 'reading the targets');
    }
    if (targets.length === 0) break;
    for (const target of targets) {
      try {
        await detachPolicy(name, target);
        report.targetsDetached.push(target);
      } catch (err) {
        fail(err, `detaching it from ${target}`);
      }
    }
  }

  try {
    await deletePolicy(name);
  } catch (err) {
    fail(err, 'deleting the policy');
  }
  return report;
}
