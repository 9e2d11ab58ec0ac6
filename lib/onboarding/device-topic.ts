import 'server-only';

import { orIfNotFound } from '../aws/call';
import { readIotConfig } from '../aws/config';
import { getPolicy } from '../aws/policies';
import { listAttachedPolicies } from '../aws/policy-attachments';
import { publishTopicFromPolicy } from '../policies/publish-topic';
import { findTemplate, renderTemplate, templateContext } from '../policies/templates';
import type { PolicyChoice } from './types';

/**
 * Where a device's bundle tells it to publish (lib/policies/publish-topic.ts reads the topic out of the policy):
 * from the template a run is about to create, or from the stored document of an existing policy. Read-only.
 */

/** The publish topic of one stored policy for `thingName`; undefined when it allows none or does not exist. */
export async function policyPublishTopic(policyName: string, thingName: string): Promise<string | undefined> {
  const policy = await orIfNotFound(() => getPolicy(policyName), undefined);
  return policy ? publishTopicFromPolicy(policy.document, thingName) : undefined;
}

/** For a run's policy choice: the template's document (default parameters, as the run renders it) or the stored one. */
export async function plannedPublishTopic(policy: PolicyChoice, thingName: string): Promise<string | undefined> {
  if (policy.mode === 'existing') return policyPublishTopic(policy.policyName, thingName);
  const template = findTemplate(policy.templateId);
  if (!template) return undefined;
  return publishTopicFromPolicy(
    renderTemplate(template, templateContext(readIotConfig().region, undefined)),
    thingName,
  );
}

/** The first topic any policy attached to `certificateArn` lets `thingName` publish to (the policies in AWS's order). */
export async function certificatePublishTopic(
  certificateArn: string,
  thingName: string,
): Promise<{ topic?: string; policyName?: string }> {
  const policies = await listAttachedPolicies(certificateArn);
  for (const policyName of policies) {
    const topic = await policyPublishTopic(policyName, thingName);
    if (topic) return { topic, policyName };
  }
  return policies[0] ? { policyName: policies[0] } : {};
}
