import { fleetProvisioningTopicPatterns } from '../mqtt/reserved-topics';

/**
 * The least-privilege policy of a provisioning claim (AWS IoT developer guide, "Provisioning by claim"): the claim
 * certificate may connect, and publish, receive and subscribe on the fleet provisioning topics of one template and
 * nothing else, so a claim pulled out of a device can only be exchanged for new credentials through that
 * template (and its pre-provisioning hook). The dashboard attaches it to claim certificates; the local IoT Core
 * applies it to the five-minute certificates of CreateProvisioningClaim. Pure; runs in the browser too.
 */
export interface ClaimPolicyOptions {
  templateName: string;
  /** Region and account in the policy's ARNs; `*` (any) when not given. */
  region?: string;
  accountId?: string;
}

export function claimPolicyDocument(opts: ClaimPolicyOptions): string {
  const arn = `arn:aws:iot:${opts.region ?? '*'}:${opts.accountId ?? '*'}`;
  const patterns = fleetProvisioningTopicPatterns(opts.templateName);
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: `${arn}:client/*` },
      { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: patterns.map((p) => `${arn}:topic/${p}`) },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: patterns.map((p) => `${arn}:topicfilter/${p}`) },
    ],
  });
}
