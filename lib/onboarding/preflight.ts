import 'server-only';

import { orIfNotFound } from '../aws/call';
import { describeCertificate } from '../aws/certificates';
import { policyExists } from '../aws/policies';
import { thingGroupExists, thingTypeExists } from '../aws/thing-groups';
import { thingExists } from '../aws/things';
import { defaultPublishTopic } from '../policies/publish-topic';
import { inspectCertificate } from '../pki/inspect';
import { plannedPublishTopic } from './device-topic';
import { deviceConnection } from './root-ca';
import type { DeviceConnection, OnboardingPlan } from './types';

export interface PreflightResult {
  /** Problems per form field, shown beside the field; empty when the run may start. */
  problems: { path: string; message: string }[];
  connection: DeviceConnection;
  /** Where the bundle tells the device to publish: the first topic its policy allows it (lib/policies/publish-topic). */
  publishTopic: string;
}

/**
 * The checks against AWS that come after the form's own validation and before anything is created: the
 * thing name is free, the thing type, group and (existing) policy exist, a template policy's name is free,
 * an own certificate is not registered yet, where devices connect and which topic the policy lets the device
 * publish to. Read-only calls, in parallel.
 * Throws an AppError when AWS cannot be asked.
 */
export async function preflight(plan: OnboardingPlan): Promise<PreflightResult> {
  const ownCertificateId =
    plan.credentials.mode === 'own-certificate'
      ? (await inspectCertificate(plan.credentials.certificatePem)).certificateId
      : undefined;
  const [thingTaken, typeOk, groupOk, policyFound, registered, connection, publishTopic] = await Promise.all([
    thingExists(plan.thingName),
    plan.thingTypeName ? thingTypeExists(plan.thingTypeName) : Promise.resolve(true),
    plan.thingGroupName ? thingGroupExists(plan.thingGroupName) : Promise.resolve(true),
    policyExists(plan.policy.policyName),
    ownCertificateId
      ? orIfNotFound(() => describeCertificate(ownCertificateId), undefined)
      : Promise.resolve(undefined),
    deviceConnection(),
    plannedPublishTopic(plan.policy, plan.thingName),
  ]);
  const problems: PreflightResult['problems'] = [];
  if (thingTaken)
    problems.push({
      path: 'thingName',
      message: `A thing named ${plan.thingName} already exists. Choose another name.`,
    });
  if (!typeOk) problems.push({ path: 'thingTypeName', message: `There is no thing type named ${plan.thingTypeName}.` });
  if (!groupOk)
    problems.push({ path: 'thingGroupName', message: `There is no thing group named ${plan.thingGroupName}.` });
  if (plan.policy.mode === 'template' && policyFound) {
    problems.push({
      path: 'policyName',
      message: `A policy named ${plan.policy.policyName} already exists. Give another name, or choose it under "An existing policy".`,
    });
  }
  if (plan.policy.mode === 'existing' && !policyFound) {
    problems.push({ path: 'existingPolicyName', message: `There is no policy named ${plan.policy.policyName}.` });
  }
  if (registered) {
    problems.push({
      path: 'certificatePem',
      message: `This certificate is already registered (id ${registered.id.slice(0, 12)}…, ${registered.status}). Attach it from the Certificates page instead.`,
    });
  }
  return { problems, connection, publishTopic: publishTopic ?? defaultPublishTopic(plan.thingName) };
}
