import 'server-only';

import { orIfNotFound } from '../aws/call';
import { describeCertificate } from '../aws/certificates';
import { credentialsProviderEndpoint } from '../aws/endpoint';
import { policyExists } from '../aws/policies';
import { describeRoleAlias } from '../aws/role-aliases';
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
  /** With a role alias: where the device asks for credentials (DescribeEndpoint iot:CredentialProvider). */
  credentialsProvider?: { endpoint: string; roleAlias: string };
}

/** The alias exists, and where the credentials provider is; undefined without a role alias. */
async function checkRoleAlias(plan: OnboardingPlan) {
  if (!plan.roleAlias) return undefined;
  const roleAlias = plan.roleAlias;
  const [exists, endpoint] = await Promise.all([
    orIfNotFound(async () => Boolean(await describeRoleAlias(roleAlias)), false),
    credentialsProviderEndpoint(),
  ]);
  return { exists, endpoint, roleAlias };
}

/**
 * The checks against AWS that come after the form's own validation and before anything is created: the
 * thing name is free, the thing type, group and (existing) policy exist, a template policy's name is free,
 * an own certificate is not registered yet, a chosen role alias exists, where devices connect (and ask for
 * credentials) and which topic the policy lets the device publish to. Read-only calls, in parallel.
 * Throws an AppError when AWS cannot be asked.
 */
export async function preflight(plan: OnboardingPlan): Promise<PreflightResult> {
  const ownCertificateId =
    plan.credentials.mode === 'own-certificate'
      ? (await inspectCertificate(plan.credentials.certificatePem)).certificateId
      : undefined;
  const [thingTaken, typeOk, groupOk, policyFound, registered, connection, publishTopic, alias] = await Promise.all([
    thingExists(plan.thingName),
    plan.thingTypeName ? thingTypeExists(plan.thingTypeName) : Promise.resolve(true),
    plan.thingGroupName ? thingGroupExists(plan.thingGroupName) : Promise.resolve(true),
    policyExists(plan.policy.policyName),
    ownCertificateId
      ? orIfNotFound(() => describeCertificate(ownCertificateId), undefined)
      : Promise.resolve(undefined),
    deviceConnection(),
    plannedPublishTopic(plan.policy, plan.thingName),
    checkRoleAlias(plan),
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
  if (alias && !alias.exists) {
    problems.push({
      path: 'roleAlias',
      message: `There is no role alias named ${alias.roleAlias}. Create it first (aws iot create-role-alias).`,
    });
  }
  return {
    problems,
    connection,
    publishTopic: publishTopic ?? defaultPublishTopic(plan.thingName),
    ...(alias ? { credentialsProvider: { endpoint: alias.endpoint, roleAlias: alias.roleAlias } } : {}),
  };
}
