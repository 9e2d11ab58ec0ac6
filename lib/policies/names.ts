import { z } from 'zod';

import { policyName } from '../validation/iot-names';

/**
 * The policy-name field: AWS IoT's rule (lib/validation/iot-names.ts `policyName`, shared with the
 * emulator) with messages in plain words instead of the service's "Member must satisfy ...".
 */
export function policyNameProblem(value: string): string | undefined {
  const result = policyName.safeParse(value);
  if (result.success) return undefined;
  if (value.length === 0) return 'Enter a policy name.';
  if (value.length > 128) return `Policy names are at most 128 characters (this one has ${value.length}).`;
  const bad = [...new Set(value.replace(/[\w+=,.@-]/g, ''))].map((c) => (c === ' ' ? 'spaces' : `"${c}"`));
  return `Use only letters, digits and _ + = , . @ - in a policy name${bad.length ? ` (not ${bad.join(', ')})` : ''}.`;
}

export const policyNameInput = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = policyNameProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
