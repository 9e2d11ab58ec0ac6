'use server';

import { z } from 'zod';

import { roleCall } from '@/lib/auth/action';
import { toAppError } from '@/lib/aws/errors';
import { bundleTopicOf } from '@/lib/onboarding/redownload';
import { awsNameProblem } from '@/lib/validation/messages';

export type ThingTopicsResult =
  | { ok: true; publishTopic: string; policyName?: string }
  | { ok: false; message: string };

/**
 * The MQTT client's presets for one thing: the topic its bundle publishes on (from the policy of its certificate;
 * `<thing>/telemetry` when none is found). Read-only.
 */
export const thingTopicsAction = roleCall(
  'viewer',
  (message): ThingTopicsResult => ({ ok: false, message }),
  z.tuple([z.string()]),
  async (_operator, thingName: string): Promise<ThingTopicsResult> => {
    const problem = typeof thingName === 'string' ? awsNameProblem('thingName', thingName) : 'Enter a thing name.';
    if (problem) return { ok: false, message: problem };
    try {
      const found = await bundleTopicOf(thingName);
      return { ok: true, publishTopic: found.topic, ...(found.policyName ? { policyName: found.policyName } : {}) };
    } catch (err) {
      return { ok: false, message: toAppError(err).message };
    }
  },
);
